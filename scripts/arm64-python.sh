#!/usr/bin/env bash
# A real aarch64 CPython 3.11 on an x86_64 Debian machine, for the import proof's tests: Debian's
# arm64 python3.11 packages unpacked into a sysroot and run by qemu-user-static, plus the cross
# compiler and arm64 Python headers that build a real aarch64 extension module.
#
#   scripts/arm64-python.sh [SYSROOT]    -> prints SYSROOT on its last stdout line
#   qemu-aarch64-static -L SYSROOT SYSROOT/usr/bin/python3.11 -c 'import platform; print(platform.machine())'
#
# SYSROOT defaults to $LAMBDA_LAYER_ARM64_SYSROOT, else ~/.cache/lambda-layer-test/arm64-python3.11
# (outside the repository: it is ~100 MB of unpacked packages). A finished sysroot is reused
# (a few milliseconds); concurrent callers wait on one lock. apt-get and dpkg run as root (sudo
# when the caller is not root).
set -euo pipefail

sysroot=${1:-${LAMBDA_LAYER_ARM64_SYSROOT:-${XDG_CACHE_HOME:-$HOME/.cache}/lambda-layer-test/arm64-python3.11}}

# The arm64 packages the interpreter needs at run time (python3.11's and libpython3.11-stdlib's
# Depends, recursively, minus data-only packages), and libpython3.11-dev for the headers.
# libpython3.11-stdlib needs libnsl2 -> libtirpc3 -> the krb5 libraries.
arm64_packages=(
  python3.11-minimal libpython3.11-minimal libpython3.11-stdlib libpython3.11 libpython3.11-dev
  libc6 libexpat1 zlib1g libffi8 libssl3 libbz2-1.0 liblzma5 libsqlite3-0 libuuid1 libncursesw6
  libtinfo6 libreadline8 libdb5.3 libgcc-s1 libstdc++6 libcrypt1 libnsl2 libtirpc3
  libgssapi-krb5-2 libkrb5-3 libk5crypto3 libkrb5support0 libcom-err2 libkeyutils1
)
# On the host: the emulator and the cross compiler (with its arm64 libc headers).
host_packages=(qemu-user-static gcc-aarch64-linux-gnu libc6-dev-arm64-cross)

# Bumped when the package list changes, so an older sysroot is rebuilt.
stamp_text="arm64-python sysroot v1: ${arm64_packages[*]}"

say() { printf 'arm64-python: %s\n' "$*" >&2; }

complete() {
  [ -f "$sysroot/.complete" ] && [ "$(cat "$sysroot/.complete")" = "$stamp_text" ] &&
    command -v qemu-aarch64-static >/dev/null && command -v aarch64-linux-gnu-gcc >/dev/null
}

if complete; then
  echo "$sysroot"
  exit 0
fi

# The package names below are Debian bookworm's (Ubuntu renamed several for 64-bit time_t and
# serves arm64 from another archive): refuse other systems in one line rather than half-try.
codename=$(. /etc/os-release 2>/dev/null && echo "${ID:-}-${VERSION_CODENAME:-}")
if [ "$codename" != debian-bookworm ]; then
  say "needs Debian bookworm (this is ${codename:-unknown}); the arm64 import-proof tests will be skipped"
  exit 1
fi

mkdir -p "$(dirname "$sysroot")"
exec 9>"$sysroot.lock"
flock -w 900 9 || { say "timed out waiting for $sysroot.lock"; exit 1; }
if complete; then # another caller finished it while we waited
  echo "$sysroot"
  exit 0
fi

# root here; sudo on GitHub's runners.
as_root=()
[ "$(id -u)" = 0 ] || as_root=(sudo)

apt_get() {
  # Other jobs on the machine may hold dpkg's lock for a while: wait for it rather than fail.
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 "$@"
}

updated=false
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
  say "adding the arm64 dpkg architecture"
  "${as_root[@]}" dpkg --add-architecture arm64
  apt_get update -qq
  updated=true
fi

missing=()
for p in "${host_packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]}"
  $updated || apt_get update -qq
  updated=true
  apt_get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

downloads=$(mktemp -d)
chmod 755 "$downloads" # apt-get download writes as the _apt user
staging="$sysroot.tmp.$$"
trap 'rm -rf "$downloads" "$staging"' EXIT
say "downloading ${#arm64_packages[@]} arm64 packages"
(cd "$downloads" && apt_get download -qq "${arm64_packages[@]/%/:arm64}" >&2) || {
  $updated && exit 1
  apt_get update -qq && (cd "$downloads" && apt_get download -qq "${arm64_packages[@]/%/:arm64}" >&2)
}
mkdir -p "$staging"
for deb in "$downloads"/*.deb; do dpkg-deb -x "$deb" "$staging"; done

# Proof that it runs: an aarch64 interpreter importing the stdlib modules that need shared libraries.
machine=$(qemu-aarch64-static -L "$staging" "$staging/usr/bin/python3.11" -I -S -c \
  'import platform, ssl, ctypes, sqlite3, lzma, bz2, zlib, decimal, uuid; print(platform.machine())')
if [ "$machine" != aarch64 ]; then
  say "the unpacked python3.11 reports machine '$machine', expected aarch64"
  exit 1
fi
[ -f "$staging/usr/include/python3.11/Python.h" ] || { say "libpython3.11-dev:arm64 gave no Python.h"; exit 1; }

echo "$stamp_text" >"$staging/.complete"
rm -rf "$sysroot"
mv "$staging" "$sysroot"
say "ready: qemu-aarch64-static -L $sysroot $sysroot/usr/bin/python3.11"
echo "$sysroot"
