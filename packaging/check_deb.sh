#!/usr/bin/env bash
# Builds the .deb from a configured and built tree and checks what it holds
# (run by ctest; also by hand: packaging/check_deb.sh build).
#   check_deb.sh BUILD_DIR [KEEP_DIR]   KEEP_DIR: leave the .deb there
set -euo pipefail

build=$(cd "${1:?usage: check_deb.sh BUILD_DIR [KEEP_DIR]}" && pwd)
for tool in cpack dpkg-deb dpkg-shlibdeps; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "SKIP: $tool is not installed"
    exit 77
  fi
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
out=${2:-$work/out}
mkdir -p "$out"

if ! cpack -G DEB --config "$build/CPackConfig.cmake" -B "$out" >"$work/cpack.log" 2>&1; then
  cat "$work/cpack.log"
  exit 1
fi
deb=$(ls "$out"/plazo_*.deb)
echo "built $deb"

fail=0
dpkg-deb -c "$deb" | awk '{print $6}' >"$work/contents"
for path in ./usr/bin/plazo ./usr/lib/systemd/system/plazo.service ./etc/plazo/plazo.toml \
            ./usr/share/plazo/examples/itagui-2023.toml ./usr/share/plazo/examples/minimal.toml \
            ./usr/share/plazo/templates/subject.mustache ./usr/share/plazo/templates/text.mustache \
            ./usr/share/plazo/templates/html.mustache; do
  if ! grep -qx "$path" "$work/contents"; then
    echo "missing from the package: $path"
    fail=1
  fi
done

depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"
for dep in libc6 libstdc++6 libcurl4 libsqlite3-0 libsystemd0 adduser tzdata; do
  if ! grep -q "\b$dep\b" <<<"$depends"; then
    echo "Depends lacks $dep"
    fail=1
  fi
done

dpkg-deb -e "$deb" "$work/control"
for script in postinst prerm postrm; do
  [[ -x "$work/control/$script" ]] || { echo "no executable $script"; fail=1; }
done
grep -qx /etc/plazo/plazo.toml "$work/control/conffiles" || { echo "plazo.toml is not a conffile"; fail=1; }

dpkg-deb -x "$deb" "$work/root"
grep -qx 'ExecStart=/usr/bin/plazo run --config /etc/plazo/plazo.toml' \
  "$work/root/usr/lib/systemd/system/plazo.service" || { echo "unit ExecStart is wrong"; fail=1; }
# The service is enabled on install: the config it starts with must send
# nothing off this machine (a relay on 127.0.0.1, no webhooks, no cycles).
shipped=$work/root/etc/plazo/plazo.toml
if grep -Eq '^\s*\[(webhooks\.|\[cycles)' "$shipped" ||
   grep -E '^\s*url\s*=' "$shipped" | grep -vq '"smtp://127\.0\.0\.1:'; then
  echo "/etc/plazo/plazo.toml names a destination off this machine"; fail=1
fi

((fail == 0)) && echo "package contents, dependencies and maintainer scripts are as expected"
exit "$fail"
