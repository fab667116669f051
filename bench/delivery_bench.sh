#!/usr/bin/env bash
# Delivery end to end: N messages due at once, delivered by `plazo run`.
#   bench/delivery_bench.sh [BUILD_DIR] [SCENARIO...]
# Scenarios (default: all of them, in this order):
#   webhook:N   N messages to one generic webhook (the shared sink), through
#               `plazo run --once --now 2023-11-30T08:00`; e.g. webhook:10000
#   fail503:N   the sink answers 503 for its first 30 s; `plazo run` (the
#               daemon) runs until all N are delivered, then gets SIGTERM
#   email:N     N emails to aiosmtpd's Mailbox handler through --once
#   curl:N      the ceiling: N POSTs to the same sink from bench/curl_baseline
#               (bare libcurl multi, 64 connections), no plazo at all
# Each prints `detail:` lines and one line:
#   plazo=<scenario> n=<N> seconds=<s> per_s=<N/s> rss_mb=<peak RSS> ...
# seconds is the whole `plazo run` (scheduling pass, outbox writes,
# delivery, exit); delivery_per_s is the sink's first to last accepted POST.
# Targets: >= 10,000 msg/s, RSS < 50 MB, <= 2 rejected attempts per message.
#
# The messages come from a plan of N activities due on 2023-11-30, all owned
# by one unit, with digest = false: one message per activity. The plan is
# imported once per N (not timed) and the database copied for every run.
# Needs Debian's /usr/bin/python3 (and python3-aiosmtpd for email), and
# /usr/bin/time. Everything listens on 127.0.0.1; data lives in
# /tmp/plazo-delivery-bench.
set -euo pipefail
cd "$(dirname "$0")/.."
build=$(cd "${1:-build}" && pwd)
shift || true
scenarios=("$@")
[[ ${#scenarios[@]} -gt 0 ]] || scenarios=(webhook:10000 webhook:100000 fail503:10000 email:2000)

plazo=$build/plazo
python=/usr/bin/python3
sink=/work/shared/bench/sink.py
[[ -f $sink ]] || sink=$(pwd)/../shared/bench/sink.py
work=/tmp/plazo-delivery-bench
mkdir -p "$work"
now=2023-11-30T08:00

children=()
cleanup() {
  for pid in "${children[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

free_port() {
  "$python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

wait_port() {
  for _ in $(seq 1 300); do
    "$python" -c "import socket,sys; socket.create_connection(('127.0.0.1', $1), 0.2)" \
      2>/dev/null && return 0
    sleep 0.1
  done
  echo "nothing listens on port $1" >&2
  return 1
}

# write_config FILE CHANNEL PORT: one unit, digest off, one channel.
write_config() {
  local file=$1 channel=$2 port=$3
  {
    echo '[daemon]'
    echo 'timezone = "America/Bogota"'
    echo 'log_level = "warn"'
    echo '[health]'
    echo 'listen = ""'
    echo '[reminders]'
    echo 'digest = false'
    echo 'escalate_after_days = 0'
    echo "channels = [\"$channel\"]"
    echo '[email]'
    echo "url = \"smtp://127.0.0.1:$port\""
    echo 'from = "PAAC <paac@example.org>"'
    echo 'starttls = "off"'
    echo '[webhooks.sink]'
    echo "url = \"http://127.0.0.1:$port/hook\""
    echo 'format = "generic"'
    echo '[[units]]'
    echo 'id = "general"'
    echo 'name = "Secretaría General"'
    echo 'email = ["general@example.org"]'
    echo 'webhooks = ["sink"]'
  } >"$file"
}

# prepare N: a database holding a plan of N activities due on 2023-11-30.
prepare() {
  local n=$1 dir=$work/plan-$1
  if [[ ! -f $dir/ready ]]; then
    mkdir -p "$dir"
    rm -f "$dir"/plan.db*
    "$python" - "$n" "$dir/plan.csv" <<'PY'
import sys
n, path = int(sys.argv[1]), sys.argv[2]
with open(path, "w", encoding="utf-8") as out:
    out.write("N°;ACTIVIDAD;RESPONSABLE;FECHA\n")
    for k in range(n):
        out.write(f"{k // 1000 + 1}.{k % 1000 + 1};Actividad de prueba {k};Secretaría General;30/11/2023\n")
PY
    write_config "$dir/plazo.toml" webhook 9
    "$plazo" import "$dir/plan.csv" --plan PAAC --year 2023 --config "$dir/plazo.toml" \
      --database "$dir/plan.db" >/dev/null
    touch "$dir/ready"
  fi
  echo "$dir/plan.db"
}

# fresh_db N DIR: a copy of the plan database for one run.
fresh_db() {
  local source
  source=$(prepare "$1")
  rm -f "$2"/run.db*
  cp "$source" "$2/run.db"
  echo "$2/run.db"
}

# time_field FILE NAME: a value from /usr/bin/time -v output.
time_field() {
  grep -F "$2" "$1" | sed 's/.*: //'
}

sink_stats() {
  "$python" -c "import json,sys,urllib.request; print(json.dumps(json.load(urllib.request.urlopen('http://127.0.0.1:$1/_stats'))))"
}

stat_of() {
  "$python" -c "import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])" "$1" "$2"
}

report() {
  # report SCENARIO N SECONDS RSS_KB EXTRA...
  local scenario=$1 n=$2 seconds=$3 rss_kb=$4
  shift 4
  "$python" -c "import sys; n,s,kb=int(sys.argv[2]),float(sys.argv[3]),int(sys.argv[4]); print(f'plazo={sys.argv[1]} n={n} seconds={s:.2f} per_s={n/s:.0f} rss_mb={kb/1024:.1f}', *sys.argv[5:])" \
    "$scenario" "$n" "$seconds" "$rss_kb" "$@"
}

start_sink() {
  # start_sink DIR PORT [sink options]
  local dir=$1 port=$2
  shift 2
  "$python" "$sink" --port "$port" --count-file "$dir/count.txt" \
    --id-regex '"key":\s*"([^"]+)"' "$@" >"$dir/sink.out" 2>&1 &
  children+=($!)
  wait_port "$port"
}

run_webhook() {
  local n=$1 dir=$work/webhook-$1 port
  mkdir -p "$dir"
  port=$(free_port)
  write_config "$dir/plazo.toml" webhook "$port"
  local db
  db=$(fresh_db "$n" "$dir")
  start_sink "$dir" "$port"
  /usr/bin/time -v -o "$dir/time.txt" "$plazo" run --once --now "$now" --config "$dir/plazo.toml" \
    --database "$db" >"$dir/run.out" 2>"$dir/run.err"
  echo "detail: $(cat "$dir/run.out")"
  local stats seconds rss first last unique
  stats=$(sink_stats "$port")
  echo "detail: sink $stats"
  seconds=$(time_field "$dir/time.txt" "Elapsed (wall clock)" | awk -F: '{ if (NF == 3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
  rss=$(time_field "$dir/time.txt" "Maximum resident set size")
  unique=$(stat_of "$stats" unique)
  first=$(stat_of "$stats" first)
  last=$(stat_of "$stats" last)
  report "webhook" "$n" "$seconds" "$rss" "unique=$unique" "dup=$(stat_of "$stats" dup)" \
    "delivery_per_s=$("$python" -c "print(round($unique / max($last - $first, 1e-9)))")" \
    "cpu_s=$(time_field "$dir/time.txt" "User time")+$(time_field "$dir/time.txt" "System time")"
}

run_fail503() {
  local n=$1 dir=$work/fail503-$1 port
  mkdir -p "$dir"
  port=$(free_port)
  write_config "$dir/plazo.toml" webhook "$port"
  local db
  db=$(fresh_db "$n" "$dir")
  start_sink "$dir" "$port" --fail503-first 30
  local started
  started=$("$python" -c 'import time; print(time.monotonic())')
  "$plazo" run --now "$now" --config "$dir/plazo.toml" --database "$db" >"$dir/run.out" \
    2>"$dir/run.err" &
  local daemon=$!
  children+=("$daemon")
  # The daemon retries on its own; stop it once the sink has every message
  # (or after 10 minutes). Its peak RSS is read just before.
  local unique=0
  for _ in $(seq 1 6000); do
    unique=$(stat_of "$(sink_stats "$port")" unique)
    [[ $unique -ge $n ]] && break
    sleep 0.1
  done
  local seconds rss
  seconds=$("$python" -c "import time; print(time.monotonic() - $started)")
  rss=$(awk '/^VmHWM:/ { print $2 }' "/proc/$daemon/status")
  kill -TERM "$daemon"
  wait "$daemon" || true
  local stats
  stats=$(sink_stats "$port")
  echo "detail: sink $stats"
  local rejected
  rejected=$(stat_of "$stats" rejected)
  report "fail503" "$n" "$seconds" "$rss" "unique=$unique" "dup=$(stat_of "$stats" dup)" \
    "rejected=$rejected" \
    "rejected_per_message=$("$python" -c "print(round($rejected / $n, 4))")"
}

run_email() {
  local n=$1 dir=$work/email-$1 port
  mkdir -p "$dir"
  rm -rf "$dir/maildir"
  port=$(free_port)
  write_config "$dir/plazo.toml" email "$port"
  local db
  db=$(fresh_db "$n" "$dir")
  "$python" -m aiosmtpd -n -l "127.0.0.1:$port" -c aiosmtpd.handlers.Mailbox "$dir/maildir" \
    >"$dir/smtp.out" 2>&1 &
  children+=($!)
  wait_port "$port"
  /usr/bin/time -v -o "$dir/time.txt" "$plazo" run --once --now "$now" --config "$dir/plazo.toml" \
    --database "$db" >"$dir/run.out" 2>"$dir/run.err"
  echo "detail: $(cat "$dir/run.out")"
  local seconds rss delivered
  seconds=$(time_field "$dir/time.txt" "Elapsed (wall clock)" | awk -F: '{ if (NF == 3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
  rss=$(time_field "$dir/time.txt" "Maximum resident set size")
  delivered=$(find "$dir/maildir/new" -type f | wc -l)
  report "email" "$n" "$seconds" "$rss" "delivered=$delivered"
}

run_curl() {
  local n=$1 dir=$work/curl-$1 port
  mkdir -p "$dir"
  port=$(free_port)
  start_sink "$dir" "$port"
  "$build/bench/curl_baseline" "http://127.0.0.1:$port/hook" "$n" 64
  echo "detail: sink $(sink_stats "$port")"
}

for scenario in "${scenarios[@]}"; do
  kind=${scenario%%:*}
  n=${scenario#*:}
  case $kind in
    webhook) run_webhook "$n" ;;
    fail503) run_fail503 "$n" ;;
    email) run_email "$n" ;;
    curl) run_curl "$n" ;;
    *) echo "unknown scenario $scenario (webhook:N, fail503:N, email:N, curl:N)" >&2; exit 64 ;;
  esac
  cleanup
  children=()
done
