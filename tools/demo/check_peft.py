"""The demo's PEFT folder through the real PEFT library: after `npm run demo`, load
.tmp/demo-run/export-peft onto transformers' GPTNeoXModel of examples/nano-neox/model with
PeftModel.from_pretrained, embed the demo's six texts (a held-out query and five entries; no special
tokens, mean pooling, as the library embeds) and compare with `repurpose embed --adapter` on the same
folders. Prints the cosine and max |difference| per text; exits 1 above 1e-5.

Run by hand with the Python peer venv (tools/python/setup-venv.sh):
  .tmp/venv/bin/python tools/demo/check_peft.py
Not part of the test suite: it needs the demo's output, which only `npm run demo` makes. The same
load is covered on a tiny model by tools/interop/interop.test.ts.
"""
import json
import os
import subprocess
import sys

import torch
from peft import PeftModel
from transformers import AutoTokenizer, GPTNeoXModel

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))
BASE = os.path.join(ROOT, 'examples/nano-neox/model')
PEFT_DIR = os.path.join(ROOT, '.tmp/demo-run/export-peft')
MAX_TOKENS = 75  # repurpose embed's default for a folder without sentence-transformers settings
TOLERANCE = 1e-5

torch.set_num_threads(1)
if not os.path.isfile(os.path.join(PEFT_DIR, 'adapter_config.json')):
    sys.exit(f'no PEFT folder at {PEFT_DIR}: run `npm run demo` first')
with open(os.path.join(ROOT, 'examples/nano-neox/data/heldout.jsonl')) as f:
    pairs = [json.loads(line) for line in f.read().strip().split('\n')[:5]]
texts = [pairs[0]['query']] + [p['pos'][0] for p in pairs]

cli = os.path.join(ROOT, 'packages/cli/bin/repurpose.js')
ours = json.loads(subprocess.run(['node', cli, 'embed', '--model', BASE, '--adapter', PEFT_DIR, '--json', *texts], check=True, capture_output=True, text=True).stdout)['embeddings']

tokenizer = AutoTokenizer.from_pretrained(BASE)
model = PeftModel.from_pretrained(GPTNeoXModel.from_pretrained(BASE, dtype=torch.float32).eval(), PEFT_DIR).eval()
print('PEFT targets:', sorted(model.peft_config['default'].target_modules))
worst = 0.0
with torch.no_grad():
    for text, mine in zip(texts, ours):
        ids = torch.tensor([tokenizer(text, add_special_tokens=False)['input_ids'][:MAX_TOKENS]])
        theirs = model(input_ids=ids).last_hidden_state.mean(1)[0]
        diff = (theirs - torch.tensor(mine)).abs().max().item()
        worst = max(worst, diff)
        cos = torch.nn.functional.cosine_similarity(theirs, torch.tensor(mine), dim=0).item()
        print(f'cos {cos:.7f}  max |difference| {diff:.2e}  {text[:50]!r}')
print(f'PEFT vs repurpose embed --adapter: max |difference| {worst:.2e} over {len(texts)} texts')
sys.exit(0 if worst <= TOLERANCE else 1)
