#!/usr/bin/env bash
# Sets up plazo and runs it on the bundled example: installs missing Debian
# packages, builds, and checks the example configuration for the seed plan.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "$(nproc 2>/dev/null || echo 2)"

echo "== plazo check-config --config config/examples/itagui-2023.toml =="
./build/plazo check-config --config config/examples/itagui-2023.toml
