#!/usr/bin/env bash
# The host end of the guest's hook connection (lib.sh host_hook). qemu's slirp starts this once per connection
# to 10.0.2.100:7777 (guestfwd), with the connection on stdin and stdout, inside the run's network namespace.
# It reads one request line, runs it, sends back the command's output and a last line "EXIT <status>".
# Requests:
#   ping                                 answers "pong"
#   server start|stop|kill|restart|status   the run's server launcher (tests/servers/*.sh)
#   anything else                        the run's --hook command with the request's words as arguments
# usage (by run.sh only): hook.sh RUN_DIR
set -uo pipefail
run="$1"
exec 2>>"$run/hook.log" # stderr would go to the guest too
touch "$run/hooks/$$" # run.sh waits for requests in flight before it stops the server
trap 'rm -f "$run/hooks/$$"' EXIT
. "$run/hook.env"
IFS= read -r -t 30 line || { echo "EXIT 2"; exit 0; }
line="${line%$'\r'}"
echo "$(date +%T) request: $line" >&2
case "$line" in
  *[!A-Za-z0-9\ _.:=/,+-]*) echo "refused: characters outside [A-Za-z0-9 _.:=/,+-]"; echo "EXIT 2"; exit 0 ;;
esac
read -r -a words <<<"$line"
rc=0
case "${words[0]:-}" in
  ping) echo pong ;;
  server)
    if [ -z "${SERVER_LAUNCHER:-}" ]; then echo "no server in this run"; rc=2
    else
      case "${words[1]:-}" in
        start|stop|kill|restart|status)
          t0=$EPOCHREALTIME
          out="$("$SERVER_LAUNCHER" "${words[1]}" 2>&1)"; rc=$?
          printf '%s\n' "$out" | sed 's/^/  /' >&2
          echo "server ${words[1]}: status $rc in $(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }') s"
          [ $rc = 0 ] || printf '%s\n' "$out" | tail -n 5 ;;
        *) echo "server: unknown action '${words[1]:-}'"; rc=2 ;;
      esac
    fi ;;
  *)
    if [ -n "${HOOK_CMD:-}" ]; then $HOOK_CMD "${words[@]}" 2>&1; rc=$?
    else echo "unknown request '${words[0]:-}' (no --hook command)"; rc=2; fi ;;
esac
echo "$(date +%T) answered: status $rc" >&2
echo "EXIT $rc"
