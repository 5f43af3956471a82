#!/bin/bash
# Guest side of every run, started by the image's init as /vm/start: network, then /vm/scenario with its output
# in /vm/out.log (the host streams it), kernel messages in /vm/dmesg.log, the exit status in /vm/rc.
# The guest is 10.0.2.15 on qemu's slirp network: 10.0.2.2 is the host namespace's loopback, 10.0.2.100 the
# host hook (see lib.sh host_hook). There is no default route and no DNS: nothing else is reachable.
set -uo pipefail
cd /vm
for dev in /sys/class/net/*; do
  n="${dev##*/}"
  [ "$n" = lo ] && continue
  ip addr add 10.0.2.15/24 dev "$n" && ip link set "$n" up && break
done
set -a; . /vm/env; set +a
echo "== scenario $(basename "${SCENARIO_NAME:-scenario}") on $(uname -r), uptime $(cut -d' ' -f1 /proc/uptime)s" >/vm/out.log
/vm/scenario >>/vm/out.log 2>&1 </dev/null
rc=$?
dmesg >/vm/dmesg.log 2>&1
echo "$rc" >/vm/rc
exit "$rc"
