#!/usr/bin/env bash
# Creates (or reuses) the Python peer environment at .tmp/venv: torch (CPU), transformers, peft,
# sentence-transformers, safetensors, onnx, onnxruntime — the independent implementations our golden
# fixtures, interop tests and performance peers run against. It installs only from the machine's local
# wheelhouse (pip's configured find-links / local indexes); where there is none it prints why and exits
# 0, and the tests that need Python skip with that reason.
set -euo pipefail
cd "$(dirname "$0")/../.."
VENV=.tmp/venv
PACKAGES=(torch==2.13.0+cpu transformers peft sentence-transformers safetensors onnx onnxruntime numpy)
if [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c 'import torch, transformers, peft, sentence_transformers, onnx, onnxruntime' 2>/dev/null; then
  echo "python peers: $VENV ready"; exit 0
fi
if ! command -v python3 >/dev/null; then echo "python peers: skipped (no python3)"; exit 0; fi
mkdir -p .tmp
python3 -m venv "$VENV"
# The local indexes only: the public index is unreachable here and pip would retry it for minutes.
INDEXES=$(python3 -m pip config list 2>/dev/null | sed -n "s/^global.extra-index-url='\(.*\)'/\1/p")
FIND=$(python3 -m pip config list 2>/dev/null | sed -n "s/^global.find-links='\(.*\)'/\1/p")
if [ -z "$INDEXES$FIND" ]; then echo "python peers: skipped (no local wheelhouse in pip config)"; exit 0; fi
set -- $INDEXES
ARGS=()
if [ $# -gt 0 ]; then ARGS+=(--index-url "$1"); shift; for i in "$@"; do ARGS+=(--extra-index-url "$i"); done; fi
[ -n "$FIND" ] && ARGS+=(--find-links "$FIND")
# pip's log goes to a file: it warns once per package about index folders the wheelhouse lacks.
if ! "$VENV/bin/pip" install -q "${ARGS[@]}" "${PACKAGES[@]}" > .tmp/venv-pip.log 2>&1; then
  echo "python peers: skipped (pip could not install from the local wheelhouse; see .tmp/venv-pip.log)"; tail -5 .tmp/venv-pip.log; rm -rf "$VENV"; exit 0
fi
echo "python peers: $VENV installed"
