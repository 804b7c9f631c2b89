"""Golden values for the Llama-family forward and training step, from Hugging Face transformers itself.

What it is: builds transformers' own LlamaModel, Qwen2Model and Qwen3Model on tiny configs with
random weights in float64 (grouped-query attention in all three; Qwen2 with its q/k/v biases and tied
embeddings; Qwen3 with q_norm/k_norm and head_dim != hidden/heads), runs a right-padded batch through
them (SDPA attention: the eager path's softmax runs in float32) and writes the parameters, the batch,
the last hidden states and the mean-pooled embeddings to packages/core/test/fixtures/llama/<name>.json.

Under "training" it adds, for a batch of query/positive pairs (queries and positives padded apart,
two forward passes over one model, as the engine runs them): the pooled embeddings with mean pooling
(the paper's) and last-token pooling (an EOS id appended to every text first, as decoder embedders
do; right padding, so the last real token of each row), the symmetric InfoNCE loss at inverse
temperature 40 for both, and the loss gradients of each method under mean pooling: full (every
parameter), freeze (the last block and the final norm train; embed_tokens and block 0 frozen),
bias-only where the family has biases (Qwen2's q/k/v) — freeze and bias-only are each run with
their frozen parameters' requires_grad off, checked to equal full's gradients on their trainable
set, and point at those ("grads_from": "full") to keep the fixture small —, and LoRA through peft itself (LoraConfig on
q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj and embed_tokens; its A and B set to
seeded random values so no gradient is trivially zero; the adapter tensors are written under the
engine's names, peft's with `base_model.model.` and `.default` dropped). LoRA gradients are also
written under last-token pooling. Frozen parameters have requires_grad off, as in a real run.

Two deliberate changes to transformers, both about precision, not math: its rotary embedding casts
inv_freq and positions to float32 before taking cos/sin (LlamaRotaryEmbedding.forward), and its
RMSNorm upcasts to float32 (LlamaRMSNorm.forward: hidden_states.to(torch.float32)); with them an f64
comparison stops at ~1e-7. The script replaces both forwards by the same formulas in float64
(inv_freq = base^(-2j/HS), angle = t * inv_freq, cos/sin of cat(angle, angle); w * x / sqrt(mean(x^2)
+ eps)), so the fixtures are float64 references of transformers' math. Everything else (projections,
GQA repeat_kv, q/k norms, SwiGLU, attention, masking, peft's LoRA layers) is transformers' and
peft's own code. Not a training script: one loss and its gradients, no optimizer step.

Run: .tmp/venv/bin/python tools/golden/make_llama_golden.py
"""
import json
import os

import peft
import torch
import torch.nn.functional as F
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


INVERSE_TEMPERATURE = 40.0
EOS_ID = 2
LORA_RANK = 2
LORA_ALPHA = 8
LORA_TARGETS = ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj', 'embed_tokens']
# Token ids of three query/positive pairs, before padding (and before EOS for last-token pooling).
QUERIES = [[5, 9, 2, 30], [11, 3], [7, 7, 14]]
POSITIVES = [[4, 8, 15, 16, 23, 1], [33, 21, 6], [12, 19, 28, 35, 10]]


def pad(rows, eos):
    rows = [r + [EOS_ID] for r in rows] if eos else rows
    T = max(len(r) for r in rows)
    ids = torch.tensor([r + [0] * (T - len(r)) for r in rows])
    mask = torch.tensor([[1] * len(r) + [0] * (T - len(r)) for r in rows])
    return ids, mask


def pool(hidden, mask, pooling):
    m = mask[..., None].to(torch.float64)
    if pooling == 'mean':
        return (hidden * m).sum(1) / m.sum(1)  # [B, C]
    last = mask.sum(1) - 1  # right padding: the last real token of each row
    return hidden[torch.arange(hidden.shape[0]), last]  # [B, C]


def info_nce(model, pooling):
    """Symmetric in-batch InfoNCE of the paper: S = 40 cos(q_i, p_j), L = (CE(S) + CE(S^T)) / 2."""
    eos = pooling == 'last'
    pooled = {}
    for role, rows in (('query', QUERIES), ('positive', POSITIVES)):
        ids, mask = pad(rows, eos)
        pooled[role] = pool(model(input_ids=ids, attention_mask=mask).last_hidden_state, mask, pooling)
    q = F.normalize(pooled['query'], dim=-1)
    p = F.normalize(pooled['positive'], dim=-1)
    scores = INVERSE_TEMPERATURE * q @ p.T  # [B, B]
    target = torch.arange(scores.shape[0])
    loss = 0.5 * (F.cross_entropy(scores, target) + F.cross_entropy(scores.T, target))
    return loss, pooled


def engine_name(peft_name):
    return peft_name.removeprefix('base_model.model.').replace('.default', '')


def gradients(model, trainable, pooling='mean'):
    """Loss and d loss / d p for the named parameters, the others frozen (requires_grad off)."""
    params = dict(model.named_parameters())
    for n, p in params.items():
        p.requires_grad_(n in trainable)
        p.grad = None
    loss, _ = info_nce(model, pooling)
    loss.backward()
    return loss.item(), {engine_name(n): params[n].grad.reshape(-1).tolist() for n in params if n in trainable}


def training(model, cfg):
    names = [n for n, _ in model.named_parameters()]
    out = {'inverse_temperature': INVERSE_TEMPERATURE, 'eos_id': EOS_ID, 'queries': QUERIES, 'positives': POSITIVES, 'batches': {}, 'pooled': {}, 'loss': {}, 'methods': {}}
    for pooling in ('mean', 'last'):
        q_ids, q_mask = pad(QUERIES, pooling == 'last')
        p_ids, p_mask = pad(POSITIVES, pooling == 'last')
        out['batches'][pooling] = {'query': {'input_ids': q_ids.tolist(), 'attention_mask': q_mask.tolist()}, 'positive': {'input_ids': p_ids.tolist(), 'attention_mask': p_mask.tolist()}}
        with torch.no_grad():
            loss, pooled = info_nce(model, pooling)
        out['loss'][pooling] = loss.item()
        out['pooled'][pooling] = {role: v.reshape(-1).tolist() for role, v in pooled.items()}
    last = cfg['num_hidden_layers'] - 1
    methods = {
        'full': ({'kind': 'full'}, set(names)),
        'freeze': ({'kind': 'freeze', 'trainableBlocks': 1}, {n for n in names if n.startswith(f'layers.{last}.') or n == 'norm.weight'}),
    }
    biases = {n for n in names if n.endswith('.bias')}
    if biases:
        methods['bias'] = ({'kind': 'bias'}, biases)
    full_grads = None
    for key, (method, trainable) in methods.items():
        loss, grads = gradients(model, trainable)
        entry = {'method': method, 'loss': loss, 'trainable': [n for n in names if n in trainable]}
        if full_grads is None:
            full_grads = grads
            entry['grads'] = grads
        else:
            # A frozen parameter's requires_grad does not change the others' gradients; the script checks
            # it and, to keep the fixture small, the subset methods point at full's gradients.
            worst = max(abs(a - b) / max(1e-300, max(abs(x) for x in full_grads[n])) for n in grads for a, b in zip(grads[n], full_grads[n]))
            assert worst < 1e-13, (key, worst)
            entry['grads_from'] = 'full'
        out['methods'][key] = entry
    for p in model.parameters():
        p.requires_grad_(True)
    # LoRA through peft on the same (already patched) modules; A and B seeded random, not PEFT's zero B.
    lora_config = peft.LoraConfig(r=LORA_RANK, lora_alpha=LORA_ALPHA, lora_dropout=0.0, target_modules=LORA_TARGETS, bias='none')
    wrapped = peft.get_peft_model(model, lora_config)
    torch.manual_seed(99)
    adapters = {}
    with torch.no_grad():
        for n, p in wrapped.named_parameters():
            if 'lora_' in n:
                p.copy_(torch.randn_like(p) * 0.2)
                adapters[engine_name(n)] = {'shape': list(p.shape), 'data': p.reshape(-1).tolist()}
    trainable = {n for n, _ in wrapped.named_parameters() if 'lora_' in n}
    for pooling in ('mean', 'last'):
        loss, grads = gradients(wrapped, trainable, pooling)
        out['methods']['lora' if pooling == 'mean' else 'lora_last'] = {
            'method': {'kind': 'lora', 'rank': LORA_RANK, 'alpha': LORA_ALPHA}, 'pooling': pooling, 'loss': loss,
            'trainable': sorted(grads), 'grads': grads, **({'adapters': adapters} if pooling == 'mean' else {}),
        }
    return out


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
            'training': training(model, cfg),
            'peft': peft.__version__,
        }
        path = os.path.join(OUT, f'{name}.json')
        tmp = path + '.tmp'
        with open(tmp, 'w') as f:
            json.dump(doc, f)
        os.replace(tmp, path)
        print(name, 'params', sum(p.numel() for p in model.parameters()), '->', path)


if __name__ == '__main__':
    main()
