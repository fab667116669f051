#!/usr/bin/env bash
# Start-up time to READY=1 with 1,000,000 activities in the database, and the
# idle RSS after the first pass (targets: < 200 ms, < 30 MB).
#   bench/startup_bench.sh [BUILD_DIR] [RUNS]
# The database is written once by the scheduler benchmark
# (BUILD_DIR/bench/scheduler_bench populate DB; kept in /tmp/plazo-startup-bench)
# and opened by `plazo run` with a fake NOTIFY_SOCKET: the time is from spawn
# to the READY=1 datagram. RSS is read from /proc once the first scheduling
# pass has reported its STATUS and the process has been idle for 2 s.
set -euo pipefail
cd "$(dirname "$0")/.."
build=$(cd "${1:-build}" && pwd)
runs=${2:-5}
work=/tmp/plazo-startup-bench
mkdir -p "$work"
db=$work/bench.db
if [[ ! -f $work/populated ]]; then
  rm -f "$db" "$db-wal" "$db-shm"
  echo "populating $db with 1,000,000 activities (once)..."
  "$build/bench/scheduler_bench" populate "$db"
  touch "$work/populated"
fi

# The scheduler benchmark's twelve units (its populate step names them).
{
  echo '[daemon]'
  echo 'timezone = "America/Bogota"'
  echo 'log_level = "warn"'
  echo '[health]'
  echo 'listen = ""'  # no endpoint: nothing to bind
  echo '[email]'
  echo 'url = "smtp://127.0.0.1:9"'
  echo 'from = "PAAC <paac@example.org>"'
  for unit in planeacion evaluacion general tic educacion juridica gobierno familia hacienda \
              comunicaciones participacion servicios-administrativos; do
    echo '[[units]]'
    echo "id = \"$unit\""
    echo "name = \"Unidad $unit\""
    echo "email = [\"$unit@example.org\"]"
    [[ $unit == evaluacion ]] && echo 'oversight = true'
  done
} >"$work/plazo.toml"

/usr/bin/python3 - "$build/plazo" "$work/plazo.toml" "$db" "$runs" <<'PY'
import os, socket, statistics, subprocess, sys, time
plazo, config, db, runs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
path = os.path.join(os.path.dirname(config), "notify.sock")
ready_ms, rss_mb = [], []
for run in range(runs):
    if os.path.exists(path):
        os.unlink(path)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    sock.settimeout(60)
    env = dict(os.environ, NOTIFY_SOCKET=path, PLAZO_CONFIG="", PLAZO_DATABASE="")
    # 07:00 on the day the benchmark's 10,000 activities are due: the first
    # pass plans 08:00 and sends nothing.
    start = time.monotonic()
    proc = subprocess.Popen([plazo, "run", "--config", config, "--database", db,
                             "--now", "2023-11-30T07:00"], env=env, stderr=subprocess.DEVNULL)
    while b"READY=1" not in sock.recv(4096):
        pass
    ready_ms.append((time.monotonic() - start) * 1000)
    while b"STATUS=next pass" not in sock.recv(4096):
        pass
    time.sleep(2)
    with open(f"/proc/{proc.pid}/status") as f:
        rss = [int(l.split()[1]) for l in f if l.startswith("VmRSS")][0] / 1024
    rss_mb.append(rss)
    proc.terminate()
    proc.wait(timeout=10)
    sock.close()
    print(f"run {run + 1}: READY after {ready_ms[-1]:.1f} ms, idle RSS {rss:.1f} MB")
print(f"activities=1000000 runs={runs} ready_ms_median={statistics.median(ready_ms):.1f} "
      f"ready_ms_max={max(ready_ms):.1f} idle_rss_mb_median={statistics.median(rss_mb):.1f}")
PY
