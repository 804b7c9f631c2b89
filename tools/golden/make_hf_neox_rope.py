"""Golden fixture from Hugging Face transformers' own GPTNeoXModel, saved by `save_pretrained`.

What it is: a tiny random GPT-NeoX (2 layers, hidden 32, 2 heads, head size 16) built with
transformers 5.x, whose config.json carries `rope_parameters` {partial_rotary_factor 0.5, rope_theta
500, rope_type "default"} instead of the older `rotary_pct` / `rotary_emb_base`. It writes the folder
`save_pretrained` produces (config.json, model.safetensors) plus the model's last hidden states and
mean-pooled embeddings for one fixed batch (f64 and f32), to
packages/core/test/fixtures/hf-neox-rope/. The engine must read the new spelling: with Pythia's
defaults (0.25, 10000) its embedding differs at about 1e-2.

What it is not: a test, or a re-implementation (make_golden.py is the independent one). It needs the
Python peer venv (tools/python/setup-venv.sh); no network, no model hub.

Rerun from the repository root:  .tmp/venv/bin/python tools/golden/make_hf_neox_rope.py
"""

import json
import os

import torch
import transformers
from safetensors.torch import save_file
from transformers import GPTNeoXConfig, GPTNeoXModel

torch.set_num_threads(1)
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, 'packages', 'core', 'test', 'fixtures', 'hf-neox-rope')
SEED = 20260512

IDS = [[5, 17, 99, 3, 42, 8, 0, 0], [11, 64, 2, 90, 33, 71, 12, 7]]
MASK = [[1, 1, 1, 1, 1, 1, 0, 0], [1, 1, 1, 1, 1, 1, 1, 1]]


def rotary_in_f64(rotary):
    """transformers computes the rotary cos/sin in float32 whatever the model dtype (about 1e-9 off in
    float64); for the f64 reference the same formula runs in float64, as our engine computes its tables."""
    head_dim = rotary.config.hidden_size // rotary.config.num_attention_heads
    dim = int(head_dim * rotary.config.rope_parameters['partial_rotary_factor'])
    base = rotary.config.rope_parameters['rope_theta']
    inv_freq = 1.0 / (base ** (torch.arange(0, dim, 2, dtype=torch.float64) / dim))

    def forward(x, position_ids):
        freqs = (inv_freq[None, :, None] @ position_ids[:, None, :].to(torch.float64)).transpose(1, 2)
        emb = torch.cat((freqs, freqs), dim=-1)
        return emb.cos().to(x.dtype), emb.sin().to(x.dtype)

    rotary.forward = forward


def main():
    torch.manual_seed(SEED)
    config = GPTNeoXConfig(
        vocab_size=128,
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        layer_norm_eps=1e-5,
        use_parallel_residual=True,
        hidden_act='gelu',
        rope_parameters={'rope_type': 'default', 'rope_theta': 500.0, 'partial_rotary_factor': 0.5},
    )
    model = GPTNeoXModel(config).to(torch.float64).eval()
    with torch.no_grad():
        for p in model.parameters():  # default init leaves biases 0 and LayerNorm 1: perturb so every term shows
            p.add_(torch.randn_like(p) * 0.05)
    os.makedirs(OUT, exist_ok=True)
    model.to(torch.float32).save_pretrained(OUT, safe_serialization=True)
    saved = json.load(open(os.path.join(OUT, 'config.json')))
    assert 'rotary_pct' not in saved and saved['rope_parameters']['partial_rotary_factor'] == 0.5, saved

    ids = torch.tensor(IDS)
    mask = torch.tensor(MASK)
    results = {}
    for dtype, name in ((torch.float64, 'f64'), (torch.float32, 'f32')):
        m = GPTNeoXModel.from_pretrained(OUT, dtype=dtype).eval()
        if dtype == torch.float64:
            rotary_in_f64(m.rotary_emb)
        with torch.no_grad():
            hidden = m(input_ids=ids, attention_mask=mask).last_hidden_state
        w = mask.to(dtype).unsqueeze(-1)
        pooled = (hidden * w).sum(1) / w.sum(1)
        results[f'{name}.last_hidden_state'] = hidden.contiguous()
        results[f'{name}.embedding'] = pooled.contiguous()
    save_file(results, os.path.join(OUT, 'expected.safetensors'))
    json.dump(
        {'input_ids': IDS, 'attention_mask': MASK, 'transformers': transformers.__version__, 'torch': torch.__version__,
         'note': 'weights stored as f32; f64 results are from the f32 weights widened exactly, with the rotary tables computed in float64 (transformers computes them in float32)'},
        open(os.path.join(OUT, 'batch.json'), 'w'), indent=1, sort_keys=True)


if __name__ == '__main__':
    main()
