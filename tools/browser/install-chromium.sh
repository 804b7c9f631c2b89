#!/usr/bin/env bash
# Installs Debian's Chromium (/usr/bin/chromium) for the browser example's end-to-end test
# (packages/backend-webgpu/test/browser-lora.test.ts), which drives it headless through
# playwright-core: its SwiftShader WebGPU adapter, and the page with navigator.gpu hidden.
#
# Idempotent: with /usr/bin/chromium present it does nothing. Not a browser manager (no downloads
# outside apt, no version pinning, no system upgrade). Where it cannot install (no apt-get, not root,
# no network) it prints why and exits 0, and the test skips with its own printed reason.
set -uo pipefail
skip() { echo "chromium: skipped ($1)"; exit 0; }

if [ -x /usr/bin/chromium ]; then echo "chromium: $(/usr/bin/chromium --version 2>/dev/null | head -1) ready"; exit 0; fi
command -v apt-get >/dev/null || skip "no apt-get (install Chromium at /usr/bin/chromium by hand)"
[ "$(id -u)" = 0 ] || skip "installing chromium needs root"
if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null 2>&1; then
  apt-get update -q >/dev/null 2>&1 || skip "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null 2>&1 || skip "apt-get install chromium failed"
fi
[ -x /usr/bin/chromium ] || skip "apt installed chromium but /usr/bin/chromium is missing"
echo "chromium: $(/usr/bin/chromium --version 2>/dev/null | head -1) installed"
