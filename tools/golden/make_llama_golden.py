"""Golden values for the Llama-family forward, from Hugging Face transformers itself.

What it is: builds transformers' own LlamaModel, Qwen2Model and Qwen3Model on tiny configs with
random weights in float64 (grouped-query attention in all three; Qwen2 with its q/k/v biases and tied
embeddings; Qwen3 with q_norm/k_norm and head_dim != hidden/heads), runs a right-padded batch through
them (SDPA attention: the eager path's softmax runs in float32) and writes the parameters, the batch, the last hidden states and the
mean-pooled embeddings to packages/core/test/fixtures/llama/<name>.json.

Two deliberate changes to transformers, both about precision, not math: its rotary embedding casts
inv_freq and positions to float32 before taking cos/sin (LlamaRotaryEmbedding.forward), and its
RMSNorm upcasts to float32 (LlamaRMSNorm.forward: hidden_states.to(torch.float32)); with them an f64
comparison stops at ~1e-7. The script replaces both forwards by the same formulas in float64
(inv_freq = base^(-2j/HS), angle = t * inv_freq, cos/sin of cat(angle, angle); w * x / sqrt(mean(x^2)
+ eps)), so the fixtures are float64 references of transformers' math. Everything else (projections,
GQA repeat_kv, q/k norms, SwiGLU, attention, masking) is transformers' own code. Not a training script; no gradients are written yet.

Run: .tmp/venv/bin/python tools/golden/make_llama_golden.py
"""
import json
import os

import torch
import transformers as t

torch.set_num_threads(1)
torch.set_default_dtype(torch.float64)
OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'packages', 'core', 'test', 'fixtures', 'llama')

CONFIGS = {
    'llama-gqa-untied': (t.LlamaConfig, t.LlamaModel, dict(model_type='llama', num_hidden_layers=2, hidden_size=16, num_attention_heads=4, num_key_value_heads=2, intermediate_size=24, vocab_size=37, rms_norm_eps=1e-6, rope_theta=10000.0, tie_word_embeddings=False, attention_bias=False, mlp_bias=False, max_position_embeddings=64, hidden_act='silu')),
    'qwen2-gqa-tied': (t.Qwen2Config, t.Qwen2Model, dict(model_type='qwen2', num_hidden_layers=2, hidden_size=16, num_attention_heads=4, num_key_value_heads=1, intermediate_size=20, vocab_size=37, rms_norm_eps=1e-6, rope_theta=1e6, tie_word_embeddings=True, max_position_embeddings=64, hidden_act='silu', use_sliding_window=False)),
    'qwen3-gqa-headdim': (t.Qwen3Config, t.Qwen3Model, dict(model_type='qwen3', num_hidden_layers=2, hidden_size=16, num_attention_heads=4, num_key_value_heads=2, head_dim=6, intermediate_size=24, vocab_size=37, rms_norm_eps=1e-6, rope_theta=1e6, tie_word_embeddings=False, attention_bias=False, max_position_embeddings=64, hidden_act='silu', use_sliding_window=False)),
}


def f64_rotary(module, head_dim, base):
    def forward(x, position_ids):
        inv_freq = 1.0 / (base ** (torch.arange(0, head_dim, 2, dtype=torch.float64) / head_dim))
        freqs = position_ids.to(torch.float64)[..., None] * inv_freq  # [B, T, HS/2]
        emb = torch.cat((freqs, freqs), dim=-1)  # [B, T, HS]
        return emb.cos().to(x.dtype), emb.sin().to(x.dtype)
    module.forward = forward


def f64_rms_norms(model):
    """transformers' RMSNorm upcasts to float32 (hidden_states.to(torch.float32)); the same formula, kept in float64."""
    for module in model.modules():
        if type(module).__name__.endswith('RMSNorm'):
            def forward(x, m=module):
                variance = x.pow(2).mean(-1, keepdim=True)
                return m.weight * (x * torch.rsqrt(variance + m.variance_epsilon))
            module.forward = forward


def main():
    os.makedirs(OUT, exist_ok=True)
    ids = torch.tensor([[5, 9, 2, 30, 17, 8], [11, 3, 36, 1, 0, 0]])
    mask = torch.tensor([[1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 0, 0]])
    for i, (name, (Config, Model, cfg)) in enumerate(CONFIGS.items()):
        torch.manual_seed(1234 + i)
        config = Config(**{k: v for k, v in cfg.items() if k != 'model_type'})
        config._attn_implementation = 'sdpa'  # eager_attention_forward's softmax runs in float32; SDPA on CPU keeps float64
        model = Model(config).to(torch.float64).eval()
        with torch.no_grad():
            for p in model.parameters():
                p.copy_(torch.randn_like(p) * 0.3)
            for n, p in model.named_parameters():
                if n.endswith('norm.weight') or n.endswith('layernorm.weight'):
                    p.copy_(1.0 + 0.1 * torch.randn_like(p))
        hs = cfg.get('head_dim', cfg['hidden_size'] // cfg['num_attention_heads'])
        f64_rotary(model.rotary_emb, hs, cfg['rope_theta'])
        f64_rms_norms(model)
        with torch.no_grad():
            hidden = model(input_ids=ids, attention_mask=mask).last_hidden_state  # [B, T, C]
        m = mask[..., None].to(torch.float64)
        mean = (hidden * m).sum(1) / m.sum(1)  # [B, C]
        doc = {
            'generator': 'tools/golden/make_llama_golden.py',
            'transformers': t.__version__,
            'torch': torch.__version__,
            'config': cfg,
            'parameters': {n: {'shape': list(p.shape), 'data': p.detach().reshape(-1).tolist()} for n, p in model.named_parameters()},
            'input_ids': ids.tolist(),
            'attention_mask': mask.tolist(),
            'last_hidden_state': hidden.reshape(-1).tolist(),
            'mean_pooled': mean.reshape(-1).tolist(),
        }
        path = os.path.join(OUT, f'{name}.json')
        tmp = path + '.tmp'
        with open(tmp, 'w') as f:
            json.dump(doc, f)
        os.replace(tmp, path)
        print(name, 'params', sum(p.numel() for p in model.parameters()), '->', path)


if __name__ == '__main__':
    main()
