#!/usr/bin/env bash
# Makes a software Vulkan device (Mesa's lavapipe) available to Dawn, so the WebGPU backend's suites
# run on a real adapter on machines without a GPU (CI, developers' machines). Debian 12's own lavapipe
# (Mesa 22) is rejected by Dawn ("shaderUniform*ArrayDynamicIndexing required"); the one in
# bookworm-backports (mesa-vulkan-drivers 25.0.x) works. We fetch that .deb with `apt-get download`
# through a private apt configuration under .tmp/lavapipe/apt (the system's sources are not touched),
# unpack it with `dpkg -x` into .tmp/lavapipe/root, and write .tmp/lavapipe/lvp_icd.json, which the
# tests select through VK_ICD_FILENAMES. The Vulkan loader itself is Debian's `libvulkan1`.
#
# Idempotent: a second run with everything in place does nothing. It is not an installer of GPU
# drivers and never upgrades system packages; where it cannot install (not Debian bookworm x86-64,
# not root, no network) it prints why and exits 0, and the WebGPU suites skip with their own reason.
set -uo pipefail
cd "$(dirname "$0")/../.."
DIR=.tmp/lavapipe
ICD=$DIR/lvp_icd.json
LIB=$DIR/root/usr/lib/x86_64-linux-gnu/libvulkan_lvp.so
skip() { echo "lavapipe: skipped ($1)"; exit 0; }

have_loader() { ldconfig -p 2>/dev/null | grep -q 'libvulkan\.so\.1 '; }

if [ -f "$ICD" ] && [ -f "$LIB" ] && have_loader; then echo "lavapipe: $ICD ready"; exit 0; fi
[ "$(uname -s)-$(uname -m)" = "Linux-x86_64" ] || skip "needs Linux x86-64, this is $(uname -s)-$(uname -m)"
grep -q 'VERSION_CODENAME=bookworm' /etc/os-release 2>/dev/null || skip "needs Debian 12 (bookworm)"
command -v apt-get >/dev/null && command -v dpkg >/dev/null || skip "no apt-get/dpkg"

if ! have_loader; then
  [ "$(id -u)" = 0 ] || skip "libvulkan1 is not installed and installing it needs root"
  if ! apt-get install -y -q libvulkan1 >/dev/null 2>&1; then
    apt-get update -q >/dev/null 2>&1
    apt-get install -y -q libvulkan1 >/dev/null 2>&1 || skip "apt-get install libvulkan1 failed"
  fi
fi

if [ ! -f "$LIB" ]; then
  APT=$PWD/$DIR/apt
  mkdir -p "$APT/lists/partial" "$APT/cache/archives/partial" "$DIR/debs"
  KEY=/usr/share/keyrings/debian-archive-keyring.gpg
  # bookworm and bookworm-updates alongside backports so apt can resolve the package's dependencies.
  for suite in bookworm bookworm-updates bookworm-backports; do
    echo "deb [signed-by=$KEY] http://deb.debian.org/debian $suite main"
  done > "$APT/sources.list.tmp" && mv "$APT/sources.list.tmp" "$APT/sources.list"
  OPTS=(-o "Dir::Etc::SourceList=$APT/sources.list" -o "Dir::Etc::SourceParts=$APT/none"
        -o "Dir::State::Lists=$APT/lists" -o "Dir::Cache=$APT/cache" -o "APT::Sandbox::User=root")
  apt-get "${OPTS[@]}" update -q > "$DIR/apt-update.log" 2>&1 || skip "apt-get update of bookworm-backports failed (see $DIR/apt-update.log)"
  rm -f "$DIR"/debs/*.deb
  (cd "$DIR/debs" && apt-get "${OPTS[@]}" download -q mesa-vulkan-drivers/bookworm-backports) > "$DIR/apt-download.log" 2>&1 \
    || skip "apt-get download mesa-vulkan-drivers/bookworm-backports failed (see $DIR/apt-download.log)"
  rm -rf "$DIR/root.tmp" && mkdir -p "$DIR/root.tmp"
  dpkg -x "$DIR"/debs/mesa-vulkan-drivers_*.deb "$DIR/root.tmp" || skip "dpkg -x failed"
  rm -rf "$DIR/root" && mv "$DIR/root.tmp" "$DIR/root"
fi
[ -f "$LIB" ] || skip "the package has no $LIB"
# The lavapipe of 25.0 links gallium statically; its remaining dependencies are bookworm's own libs.
MISSING=$(ldd "$LIB" 2>/dev/null | grep 'not found' | awk '{print $1}' | tr '\n' ' ')
[ -z "$MISSING" ] || skip "libvulkan_lvp.so needs libraries this machine lacks: $MISSING"

VERSION=$(dpkg-deb -f "$DIR"/debs/mesa-vulkan-drivers_*.deb Version 2>/dev/null || echo unknown)
printf '{"file_format_version":"1.0.0","ICD":{"library_path":"%s","api_version":"1.4.305"}}\n' "$PWD/$LIB" > "$ICD.tmp" && mv "$ICD.tmp" "$ICD"
echo "lavapipe: $ICD installed (mesa-vulkan-drivers $VERSION)"
