#!/bin/sh
# Applies the installed Suture editions at boot, in the order they were installed.
# Each edition is loaded only on the kernel it was built for (its .release file): after a kernel update,
# editions built for the old kernel stay installed but are not loaded.
dir=/var/lib/suture/installed
[ -d "$dir" ] || exit 0
release=$(uname -r)
status=0
for order in $(ls "$dir" | grep '\.order$' | sort); do
  name=$(cat "$dir/$order")
  ko="$dir/$name.ko"
  [ -f "$ko" ] || continue
  if [ "$(cat "$dir/$name.release" 2>/dev/null)" != "$release" ]; then
    echo "suture: not loading $name: built for $(cat "$dir/$name.release" 2>/dev/null), running $release"
    continue
  fi
  if grep -q "^$name " /proc/modules; then
    continue
  fi
  if insmod "$ko"; then
    echo "suture: applied installed edition $name"
  else
    echo "suture: could not apply installed edition $name"
    status=1
  fi
done
exit $status
