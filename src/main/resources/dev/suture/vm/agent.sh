# The command agent of a Suture test VM, talking to the host over the second serial port.
#
# Requests are lines "TOKEN OP ARGS ." (the host sends an empty line before each); every reply is framed as
#   \nTOKEN BEGIN\n <raw bytes> \nTOKEN END STATUS\n
# so the host can skip stale bytes and find the end of binary output.
# A command's output goes to a file that is streamed from here, so that processes it leaves
# running in the background (setsid ... &) never write into a later reply.
# "run" takes a limit in seconds: a command still running then is killed with its whole process
# group and the reply ends with status T, so one hung command never blocks the requests after it.
# A host that dies mid-request leaves half a line or half a payload: the empty line before the next request
# ends the half line, which lacks its final "." and is ignored (a cut-off command is never run), and a payload
# that stops arriving is abandoned after a limit, so the agent is ready for the next host either way.
port=/dev/ttyS1
work=/run/suture
mkdir -p "$work"
exec <"$port" >"$port" 2>/dev/null
stty raw -echo

reply_begin() { printf '\n%s BEGIN\n' "$1"; }
reply_end() { printf '\n%s END %s\n' "$1" "$2"; }

uptime_seconds() {
  read -r up _ < /proc/uptime
  echo "${up%.*}"
}

# Sends what the command of $token wrote since the last call (counted in $sent); fails when nothing is new.
send_new_output() {
  size=$(wc -c < "$work/out.$token")
  [ "$size" -gt "$sent" ] || return 1
  tail -c +$((sent + 1)) "$work/out.$token" | head -c $((size - sent))
  sent=$size
}

run_command() {
  token=$1
  limit=${3:-0}
  echo "$2" | base64 -d > "$work/cmd.$token"
  : > "$work/out.$token"
  (
    cd /root
    # setsid makes the command a process-group leader, so a kill at the limit reaches all it started.
    setsid sh -c 'echo $$ > "$1"; exec sh "$2"' sh "$work/pid.$token" "$work/cmd.$token" \
      </dev/null >"$work/out.$token" 2>&1
    echo $? > "$work/rc.$token.tmp"
    mv "$work/rc.$token.tmp" "$work/rc.$token"
  ) &
  started=$(uptime_seconds)
  reply_begin "$token"
  sent=0
  delay=1000
  while :; do
    # Check for the end first: output written before the status file exists is then complete.
    finished=0
    [ -f "$work/rc.$token" ] && finished=1
    send_new_output && delay=1000
    [ $finished = 1 ] && { status=$(cat "$work/rc.$token"); break; }
    if [ "$limit" -gt 0 ] && [ $(($(uptime_seconds) - started)) -ge "$limit" ]; then
      pgid=$(cat "$work/pid.$token" 2>/dev/null)
      [ -n "$pgid" ] && kill -KILL -- "-$pgid" 2>/dev/null
      send_new_output
      status=T
      break
    fi
    usleep $delay
    [ $delay -lt 50000 ] && delay=$((delay * 2))
  done
  rm -f "$work/cmd.$token" "$work/out.$token" "$work/rc.$token" "$work/pid.$token"
  reply_end "$token" "$status"
}

put_file() {
  token=$1
  path=$(echo "$2" | base64 -d)
  size=$3
  mode=$4
  # Always consume exactly the payload first, so a bad path never leaves file bytes to be read as requests;
  # a payload that stops coming (its host died) is given up after a limit generous for the serial port.
  timeout $((30 + size / 100000)) head -c "$size" > "$work/put.$token"
  status=1
  if [ "$(wc -c < "$work/put.$token")" = "$size" ] && mkdir -p "$(dirname "$path")" \
      && chmod "$mode" "$work/put.$token" && mv "$work/put.$token" "$path"; then
    status=0
  fi
  rm -f "$work/put.$token"
  reply_begin "$token"
  reply_end "$token" "$status"
}

while read -r token op arg1 arg2 arg3 arg4; do
  case "$op" in
    run) [ "$arg3" = . ] && run_command "$token" "$arg1" "$arg2" ;;
    put) [ "$arg4" = . ] && put_file "$token" "$arg1" "$arg2" "$arg3" ;;
    ping) [ "$arg1" = . ] && { reply_begin "$token"; reply_end "$token" 0; } ;;
    *) ;;
  esac
done
