#!/usr/bin/env bash
# Sets up plazo and runs it on the bundled example: installs missing Debian
# packages, builds, checks the example configuration of the Alcaldía de
# Itagüí, imports its real 2023 follow-up matrix (../shared/seed/) into
# demo/plazo.db, lists the activities and previews the reminders of the week
# of 23 November 2023, then runs one scheduling pass for 23 November 08:00.
# Idempotent: every run starts from a fresh demo database.
#   PLAZO_DEMO_DIR=DIR   where the demo database lives (default ./demo)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
demo=${PLAZO_DEMO_DIR:-$root/demo}
config=$root/config/examples/itagui-2023.toml
seed=$root/../shared/seed/paac-itagui-2023-seguimiento-2.txt

bash scripts/setup.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "$(nproc 2>/dev/null || echo 2)" --target plazo
[[ -f $seed ]] || { echo "demo: the seed plan is missing: $seed" >&2; exit 1; }
rm -rf "$demo" && mkdir -p "$demo"
plazo() { "$root/build/plazo" --config "$config" --database "$demo/plazo.db" "$@"; }

echo; echo "== plazo check-config =="
plazo check-config
echo; echo "== plazo import (the seed matrix; warnings name the line and activity) =="
plazo import "$seed"
echo; echo "== plazo activities --unit general =="
plazo activities --unit general
echo; echo "== plazo preview --from 2023-11-23 --to 2023-11-30 =="
plazo preview --from 2023-11-23 --to 2023-11-30
echo; echo "== plazo run --once --now 2023-11-23T08:00 =="
plazo run --once --now 2023-11-23T08:00
echo; echo "demo database: $demo/plazo.db"
