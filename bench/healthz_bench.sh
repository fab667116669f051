#!/usr/bin/env bash
# /healthz under load while deliveries are in flight (targets: >= 20,000
# requests/s, p99 < 5 ms on 2 cores).
#   bench/healthz_bench.sh [BUILD_DIR] [SECONDS] [CONNECTIONS]
# Sets up, in /tmp/plazo-healthz-bench: the seed plan imported with the
# Itagüí example config turned webhook-only, every unit with HOOKS (8)
# webhooks on a local receiver that never answers (--hang), so those
# deliveries stay in flight for the whole run; then plazo run --now
# 2023-11-23T08:00 (48 digests with HOOKS=8) and wrk against /healthz.
# Needs wrk (scripts/setup.sh --bench). Everything is on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
build=$(cd "${1:-build}" && pwd)
seconds=${2:-10}
connections=${3:-64}
hooks=${HOOKS:-8}
python=/usr/bin/python3
work=/tmp/plazo-healthz-bench
command -v wrk >/dev/null || { echo "wrk is missing: bash scripts/setup.sh --bench" >&2; exit 1; }

rm -rf "$work"
mkdir -p "$work"
free_port() { "$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
hook_port=$(free_port)
health_port=$(free_port)

"$python" - "$root/config/examples/itagui-2023.toml" "$work/plazo.toml" "$work/plazo.db" \
  "$health_port" "$hook_port" "$hooks" <<'PY'
import sys, tomllib
source, target, db, health, hook, hooks = sys.argv[1:]
with open(source, "rb") as f:
    config = tomllib.load(f)
def value(v):
    if isinstance(v, bool): return "true" if v else "false"
    if isinstance(v, (int, float)): return str(v)
    if isinstance(v, list): return "[" + ", ".join(value(x) for x in v) + "]"
    return '"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"'
out = [f'[daemon]\ndatabase = {value(db)}\ntimezone = "America/Bogota"\nlog_level = "warn"',
       f'[health]\nlisten = "127.0.0.1:{health}"',
       '[reminders]\nchannels = ["webhook"]']
for cycle in config.get("cycles", []):
    out.append("[[cycles]]\n" + "\n".join(f"{k} = {value(v)}" for k, v in cycle.items()))
for unit in config["units"]:
    names = [f'{unit["id"]}-{n}' for n in range(int(hooks))]
    for name in names:
        out.append(f'[webhooks.{name}]\nurl = "http://127.0.0.1:{hook}/{name}"\ntimeout_seconds = 120')
    fields = {k: v for k, v in unit.items() if k not in ("email", "webhooks")}
    fields["webhooks"] = names
    out.append("[[units]]\n" + "\n".join(f"{k} = {value(v)}" for k, v in fields.items()))
open(target, "w").write("\n\n".join(out) + "\n")
PY

plazo=$build/plazo
"$plazo" import "$root/../shared/seed/paac-itagui-2023-seguimiento-2.txt" --config "$work/plazo.toml" \
  >/dev/null 2>&1
"$python" tests/support/webhook_receiver.py --port "$hook_port" --log "$work/webhooks.jsonl" --hang \
  >/dev/null 2>&1 &
receiver=$!
# plazo must find the receiver listening: a refused first connection would
# pause the destination (one probe at a time) and leave one delivery in flight.
for _ in $(seq 200); do
  (exec 3<>"/dev/tcp/127.0.0.1/$hook_port") 2>/dev/null && break
  sleep 0.1
done
"$plazo" run --config "$work/plazo.toml" --now 2023-11-23T08:00 2>"$work/plazo.log" &
plazo_pid=$!
trap 'kill $plazo_pid $receiver 2>/dev/null || true; wait 2>/dev/null || true' EXIT

for _ in $(seq 200); do
  in_flight=$({ curl -fsS "http://127.0.0.1:$health_port/metrics" 2>/dev/null || true; } |
    awk '/^plazo_delivery_in_flight / {print $2}')
  # Every digest of the day hangs in flight (48 with HOOKS=8).
  [[ -n ${in_flight:-} && ${in_flight:-0} -ge $((6 * hooks)) ]] && break
  sleep 0.1
done
echo "deliveries in flight: ${in_flight:-0} (webhooks received and held: $(wc -l <"$work/webhooks.jsonl" 2>/dev/null || echo 0))"
echo "wrk -t2 -c$connections -d${seconds}s --latency http://127.0.0.1:$health_port/healthz"
wrk -t2 -c"$connections" -d"${seconds}s" --latency "http://127.0.0.1:$health_port/healthz" | tee "$work/wrk.txt"
in_flight_after=$(curl -fsS "http://127.0.0.1:$health_port/metrics" | awk '/^plazo_delivery_in_flight / {print $2}')
rss=$(awk '/^VmRSS/ {print $2 / 1024 " MB"}' "/proc/$plazo_pid/status")
echo "deliveries still in flight after the run: $in_flight_after; plazo RSS $rss"
