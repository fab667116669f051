#!/usr/bin/env bash
# plazo's first run, on this machine only (run it as root on a fresh Debian 12):
#   1. installs the Debian packages it needs (scripts/setup.sh) and builds plazo;
#   2. makes a demo folder ($PLAZO_DEMO_DIR, default ./demo; wiped first, so a
#      second run starts from a fresh database) with a config made from
#      config/examples/itagui-2023.toml whose SMTP relay and webhooks are local:
#      an SMTP server (aiosmtpd) storing mail in demo/mail (a maildir) and a
#      webhook receiver writing demo/webhooks.jsonl, both on 127.0.0.1;
#   3. imports the seed plan (../shared/seed/paac-itagui-2023-seguimiento-2.txt);
#   4. runs `plazo run --now 2023-11-23T07:59:50` in the foreground: at 08:00,
#      ten seconds later, the day's digests go out. The script shows what
#      arrived and the health endpoint's answer, then leaves plazo running
#      until Ctrl-C, which stops plazo and both servers.
# Nothing leaves the machine: every address in the config is 127.0.0.1.
#   PLAZO_DEMO_DIR=DIR    where the demo lives (default ./demo)
#   PLAZO_DEMO_EXIT=1     stop after the summary instead of waiting for Ctrl-C
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
demo=${PLAZO_DEMO_DIR:-$root/demo}
seed=$root/../shared/seed/paac-itagui-2023-seguimiento-2.txt
python=/usr/bin/python3   # Debian's, with python3-aiosmtpd

bash scripts/setup.sh
echo "== building plazo =="
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "$(nproc 2>/dev/null || echo 2)" --target plazo
plazo=$root/build/plazo
[[ -f $seed ]] || { echo "demo: the seed plan is missing: $seed" >&2; exit 1; }

free_port() {
  "$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
wait_port() {  # wait_port PORT NAME: until something listens, 20 s at most
  for _ in $(seq 200); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "demo: $2 did not start on 127.0.0.1:$1" >&2
  exit 1
}

rm -rf "$demo"
# A maildir whose folders exist: aiosmtpd's Mailbox does not create them in
# a directory that is already there.
mkdir -p "$demo/mail/tmp" "$demo/mail/new" "$demo/mail/cur"
smtp_port=$(free_port)
hook_port=$(free_port)
health_port=$(free_port)

# The example config, pointed at the local servers and the demo database.
sed -e "s#^database = .*#database = \"$demo/plazo.db\"#" \
    -e "s#^listen = .*#listen = \"127.0.0.1:$health_port\"#" \
    -e "s#^url = \"smtp://[^\"]*\"#url = \"smtp://127.0.0.1:$smtp_port\"#" \
    -e "s#^starttls = .*#starttls = \"off\"#" \
    -e "s#^url = \"https://example.org/\([^\"]*\)\"#url = \"http://127.0.0.1:$hook_port/\1\"#" \
    config/examples/itagui-2023.toml >"$demo/plazo.toml"
if grep -E '^url = "' "$demo/plazo.toml" | grep -qv '://127\.0\.0\.1:'; then
  echo "demo: a URL still points outside this machine" >&2
  exit 1
fi
export PLAZO_CONFIG=$demo/plazo.toml
unset PLAZO_DATABASE

echo "== plazo check-config =="
"$plazo" check-config
echo "== plazo import (the seed plan) =="
# The seed is a real, messy matrix: the importer's warnings (one per row it
# had to interpret) go to a file.
"$plazo" import "$seed" 2>"$demo/import-warnings.txt"
echo "($(grep -c '^warning' "$demo/import-warnings.txt" || true) warnings in $demo/import-warnings.txt)"

pids=()
cleanup() {
  trap - EXIT INT TERM
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  echo "demo: stopped plazo and the local servers; everything is in $demo"
}
trap cleanup EXIT
trap 'exit 0' INT TERM

"$python" -m aiosmtpd -n -l "127.0.0.1:$smtp_port" -c aiosmtpd.handlers.Mailbox "$demo/mail" \
  >"$demo/smtp.log" 2>&1 &
pids+=($!)
"$python" tests/support/webhook_receiver.py --port "$hook_port" --log "$demo/webhooks.jsonl" \
  >"$demo/webhooks.log" 2>&1 &
pids+=($!)
wait_port "$smtp_port" "the SMTP server"
wait_port "$hook_port" "the webhook receiver"

echo "== plazo run --now 2023-11-23T07:59:50 (digests go out at 08:00, in 10 s) =="
"$plazo" run --now 2023-11-23T07:59:50 &
plazo_pid=$!
pids=("$plazo_pid" "${pids[@]}")
wait_port "$health_port" "plazo's health endpoint"

# Wait until the day's pass has run and the outbox is empty (60 s at most).
delivered=0
for _ in $(seq 600); do
  metrics=$(curl -fsS "http://127.0.0.1:$health_port/metrics" || true)
  due=$(awk '/^plazo_messages_total\{.*result="due"\}/ {s += $2} END {print s + 0}' <<<"$metrics")
  pending=$(awk '/^plazo_outbox_pending / {print $2}' <<<"$metrics")
  if ((due > 0)) && [[ $pending == 0 ]]; then
    delivered=1
    break
  fi
  kill -0 "$plazo_pid" 2>/dev/null || { echo "demo: plazo exited" >&2; exit 1; }
  sleep 0.1
done

echo
echo "== what arrived =="
mails=0
hooks=0
[[ -d $demo/mail/new ]] && mails=$(find "$demo/mail/new" -type f | wc -l)
[[ -f $demo/webhooks.jsonl ]] && hooks=$(wc -l <"$demo/webhooks.jsonl")
echo "email:    $mails messages in the maildir $demo/mail/new"
"$python" - "$demo/mail/new" <<'PY'
import email, email.header, os, sys
folder = sys.argv[1]
for name in sorted(os.listdir(folder)) if os.path.isdir(folder) else []:
    with open(os.path.join(folder, name), "rb") as f:
        message = email.message_from_binary_file(f)
    decode = lambda value: str(email.header.make_header(email.header.decode_header(value or "")))
    to = " ".join(decode(message["To"]).split())
    print(f"  to {to[:60]:<60}  {decode(message['Subject'])[:70]}")
PY
echo "webhooks: $hooks requests recorded in $demo/webhooks.jsonl"
"$python" - "$demo/webhooks.jsonl" <<'PY'
import json, sys
try:
    lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
except FileNotFoundError:
    lines = []
for line in lines:
    record = json.loads(line)
    key = record["headers"].get("Idempotency-Key", "")
    print(f"  POST {record['path']:<32} Idempotency-Key {key[:16]}")
PY
if ((delivered == 0)); then
  echo "demo: not everything was delivered within 60 s; see plazo's log above and: $plazo outbox" >&2
fi

echo
echo "== curl http://127.0.0.1:$health_port/healthz =="
curl -sS "http://127.0.0.1:$health_port/healthz"
echo "== curl http://127.0.0.1:$health_port/readyz =="
curl -sS "http://127.0.0.1:$health_port/readyz"
echo
echo "plazo is running (pid $plazo_pid); metrics: curl http://127.0.0.1:$health_port/metrics"
echo "Press Ctrl-C to stop plazo and the local servers."
if [[ ${PLAZO_DEMO_EXIT:-} == 1 ]]; then
  exit 0
fi
wait "$plazo_pid"
