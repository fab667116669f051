#!/usr/bin/env bash
# Lints the systemd unit (run by ctest):
#   check_unit.sh verify   UNIT BINARY   systemd-analyze verify on a copy whose
#                                        ExecStart is BINARY (verify fails when
#                                        the binary in ExecStart does not exist)
#   check_unit.sh security UNIT [MAX]    systemd-analyze security --offline=true;
#                                        fails when the exposure is above MAX (1.5)
# Exit 77 (ctest: skipped) when systemd-analyze is not installed.
set -euo pipefail

mode=${1:?usage: check_unit.sh verify|security UNIT [BINARY|MAX]}
unit=${2:?unit file}
if ! command -v systemd-analyze >/dev/null 2>&1; then
  echo "SKIP: systemd-analyze is not installed (apt-get install systemd)"
  exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
name=$(basename "$unit")

case "$mode" in
  verify)
    binary=${3:?binary}
    sed "s#/usr/bin/plazo #${binary} #" "$unit" >"$work/$name"
    # verify exits 0 on warnings too: any output is a finding.
    out=$(systemd-analyze verify "$work/$name" 2>&1) || { echo "$out"; exit 1; }
    if [[ -n "$out" ]]; then
      echo "$out"
      exit 1
    fi
    echo "systemd-analyze verify: $name is clean"
    ;;
  security)
    max=${3:-1.5}
    cp "$unit" "$work/$name"
    out=$(systemd-analyze security --offline=true "$work/$name" 2>&1)
    score=$(sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p' <<<"$out")
    if [[ -z "$score" ]]; then
      echo "$out"
      echo "could not read the exposure score"
      exit 1
    fi
    grep '✗' <<<"$out" || true
    echo "exposure $score (limit $max)"
    awk -v s="$score" -v m="$max" 'BEGIN { exit !(s <= m) }'
    ;;
  *)
    echo "unknown mode $mode" >&2
    exit 2
    ;;
esac
