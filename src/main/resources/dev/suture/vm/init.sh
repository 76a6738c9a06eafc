#!/bin/busybox sh
# PID 1 of a Suture test VM: a busybox userland, the requested modules, then the command agent on ttyS1.
/bin/busybox --install -s /bin
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mkdir -p /proc /sys /dev /tmp /run /root
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
hostname suture-vm
ln -sf /proc/self/fd /dev/fd 2>/dev/null

release="$(uname -r)"
if [ -f /etc/suture/modules ]; then
  # One module path per line, dependencies first, as the host resolved them from modules.dep.
  while read -r module; do
    [ -n "$module" ] || continue
    if ! insmod "/lib/modules/$release/$module"; then
      echo "suture-init: failed to load module $module" > /dev/console
    fi
  done < /etc/suture/modules
fi

# State a reboot kept (suture vm reboot): Suture's files on the target, such as installed editions.
if [ -f /suture-state.tar ]; then
  tar -xf /suture-state.tar -C / && rm -f /suture-state.tar
fi
# Installed live patch editions come back at boot, as the systemd unit does on real hosts.
if [ -x /var/lib/suture/bin/load-editions ]; then
  /var/lib/suture/bin/load-editions > /dev/console 2>&1
fi

# An SSH server when asked (vm start --ssh): QEMU's user network, reached only through its forward from 127.0.0.1
# on the host; dropbear with the host key and authorized keys the host put here; no password logins (-s).
if [ -f /etc/suture/ssh ]; then
  ip link set lo up
  ip link set eth0 up && ip addr add 10.0.2.15/24 dev eth0 && ip route add default via 10.0.2.2
  mkdir -p /var/log /var/run
  # dropbear reads a user's authorized_keys as that user: the non-root login owns its home.
  chmod 700 /root/.ssh /home/suture/.ssh && chown -R 1000:1000 /home/suture
  /usr/sbin/dropbear -r /etc/dropbear/host_key -p 22 -s -P /run/dropbear.pid -E > /tmp/dropbear.log 2>&1 ||
    echo "suture-init: dropbear did not start (see /tmp/dropbear.log)" > /dev/console
fi

# Stay up for ever: if the agent dies, start it again; PID 1 must never exit.
while true; do
  sh /etc/suture/agent.sh
  sleep 1
done
