# shellcheck shell=bash
# Sourced by the benchmark scripts in tests/bench/ (BENCH_WHO names the caller in messages):
#   bench_build            builds the reactor up to tests/ (mvn package, tests skipped, nothing installed) unless
#                          BENCH_NO_BUILD=1 and a build is there; sets bench_cp to the tests module's test classpath
#   bench_run WORK MAIN JAVA_ARGS...
#                          runs java MAIN (-Xmx1g) on bench_cp with JAVA_ARGS, and after it, whatever pid it recorded
#                          in WORK/pids that still runs with WORK (or a libnfs client) on its command line is killed
#                          (the benchmark stops its servers and clients itself, also on Ctrl-C / SIGTERM by a
#                          shutdown hook; this is for when it dies harder); WORK is removed after a failure.
# MVN_ARGS adds Maven options.
bench_build() {
  local root; root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
  local cp_file="$root/tests/target/bench-classpath.txt"
  if [ "${BENCH_NO_BUILD:-0}" != 1 ] || [ ! -f "$cp_file" ]; then
    echo "${BENCH_WHO:-tests/bench}: building (mvn package -DskipTests -pl tests -am)…" >&2
    # each module writes its own target/bench-classpath.txt; the tests module's is the one used
    # shellcheck disable=SC2086 # MVN_ARGS is a list of options
    (cd "$root" && mvn -q -B -ntp ${MVN_ARGS:-} -DskipTests -pl tests -am package dependency:build-classpath \
      -Dmdep.outputFile=target/bench-classpath.txt >&2)
  fi
  bench_cp="$root/tests/target/test-classes:$root/tests/target/classes:$(cat "$cp_file")"
}

bench_run() {
  local work="$1" main="$2"
  shift 2
  _bench_work="$work" _bench_pid=""
  trap _bench_cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  java -Xmx1g "$@" -cp "$bench_cp" "$main" &
  _bench_pid=$!
  wait "$_bench_pid"
}

_bench_cleanup() {
  local rc=$? work="$_bench_work" pid
  trap - EXIT INT TERM
  if [ -n "$_bench_pid" ] && kill -0 "$_bench_pid" 2>/dev/null; then
    kill -TERM "$_bench_pid" 2>/dev/null || true
    for _ in $(seq 1 300); do kill -0 "$_bench_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$_bench_pid" 2>/dev/null || true
  fi
  if [ -f "$work/pids" ]; then
    while read -r pid; do
      [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || continue
      # only a process of this benchmark: its command line names the work directory or is a libnfs client
      if tr '\0' ' ' < "/proc/$pid/cmdline" | grep -qE "$work|^nfs-cat |^nfs-cp "; then
        echo "${BENCH_WHO:-tests/bench}: ending leftover pid $pid" >&2
        kill -KILL "$pid" 2>/dev/null || true
      fi
    done < "$work/pids"
  fi
  # a FUSE mount left behind by a killed benchmark
  if [ -r /proc/self/mountinfo ]; then
    awk -v w="$work/" 'index($5, w) == 1 { print $5 }' /proc/self/mountinfo | while read -r m; do
      umount -l "$m" 2>/dev/null || true
    done
  fi
  if [ "$rc" -ne 0 ] && [ -d "$work" ]; then
    sleep 1  # let killed servers release their files
    rm -rf "$work"
  fi
  exit "$rc"
}
