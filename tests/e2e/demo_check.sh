#!/usr/bin/env bash
# The README's run command, checked: scripts/demo.sh in a scratch folder with
# PLAZO_DEMO_EXIT=1 must deliver the day's digests of 23 November 2023 to its
# local servers (6 mails, 4 webhook calls) and show /healthz answering.
set -euo pipefail
cd "$(dirname "$0")/../.."
demo=$(mktemp -d /tmp/plazo-demo-check-XXXXXX)
trap 'rm -rf "$demo"' EXIT
out=$(PLAZO_DEMO_DIR="$demo" PLAZO_DEMO_EXIT=1 bash scripts/demo.sh 2>&1) || {
  echo "$out"; echo "demo_check: scripts/demo.sh failed" >&2; exit 1; }
fail=0
expect() {
  grep -qF -- "$1" <<<"$out" || { echo "demo_check: missing: $1" >&2; fail=1; }
}
expect "email:    6 messages in the maildir $demo/mail/new"
expect "webhooks: 4 requests recorded in $demo/webhooks.jsonl"
expect "[PAAC] Secretaría General: 10 próximas a vencer"
expect "== curl http://127.0.0.1:"
grep -qx ok <<<"$out" || { echo "demo_check: /healthz did not answer ok" >&2; fail=1; }
if grep -q 'is dead after' <<<"$out"; then echo "demo_check: a message went dead" >&2; fail=1; fi
((fail == 0)) || { echo "$out"; exit 1; }
echo "demo_check: the demo delivered every digest locally"
