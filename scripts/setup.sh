#!/usr/bin/env bash
# Installs the Debian packages plazo needs to build, test and run its demo.
# Idempotent: packages already installed are not touched and apt is not
# consulted at all when nothing is missing.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  libboost-dev libcurl4-openssl-dev libtomlplusplus-dev libsqlite3-dev
  libspdlog-dev libfmt-dev libgtest-dev libgmock-dev nlohmann-json3-dev
  libsystemd-dev libkainjow-mustache-dev libhowardhinnant-date-dev
  libssl-dev libcsv-dev tzdata
  python3-aiosmtpd sqlite3 curl
)
# Extra sets, any of them (e.g. --test --bench): --test, --fuzz, --bench.
for set in "$@"; do
  case $set in
    --test)
      # systemd-analyze for unit lint.
      packages+=(systemd)
      ;;
    --fuzz)
      # scripts/fuzz.sh: clang with its libFuzzer and sanitizer runtimes, and
      # llvm-symbolizer (in llvm-14) so sanitizer reports name file and line.
      packages+=(clang libclang-rt-14-dev llvm-14)
      ;;
    --bench)
      # Load generators for bench/healthz_bench.sh and start-up timings; the
      # shared sink's fast event loop; the peers of ../shared/bench/.
      packages+=(wrk hyperfine python3-uvloop prometheus-alertmanager python3-apscheduler
        python3-sqlalchemy)
      ;;
    *)
      echo "setup: unknown option $set (use --test, --fuzz, --bench)" >&2
      exit 64
      ;;
  esac
done

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} > 0)); then
  echo "setup: installing ${missing[*]}"
  if [[ $(id -u) -ne 0 ]]; then
    echo "setup: missing packages and not root; run as root or install: ${missing[*]}" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
else
  echo "setup: all packages present"
fi
