#!/usr/bin/python3
"""Golden fixtures for @repurpose/core from an independent implementation in plain PyTorch.

What it is: a small, readable re-implementation of Hugging Face `GPTNeoXModel` semantics (written from
HF's documented behaviour, no transformers import), the paper's embedding head (mean pooling over
non-pad tokens) and loss (symmetric InfoNCE at inverse temperature 40), the four fine-tuning methods
(full, freeze, bias-only, LoRA) and AdamW under the warm-up + cosine schedule. Everything runs in
float64 so the numbers it writes are references, not approximations. It writes a tiny random model,
one fixed batch and the results to packages/core/test/fixtures/golden/ (see the README there), plus a
forward-only variant with 2 heads whose 4 rotary dims pin down HF's rotate-half convention.
Before writing it checks its own semantics: pad ids do not matter, attention is causal, padding does
not change real tokens, LoRA with B = 0 equals the base model bit for bit, and its own AdamW agrees
with torch.optim.AdamW.

What it is not: a trainer, a tokenizer, or a test. It never touches the network or a model hub.

Rerun (Debian: apt-get install -y python3-torch libopenblas0-pthread python3-numpy):
    /usr/bin/python3 tools/golden/make_golden.py
Output is byte-identical on rerun with the same torch build (fixed seed, one thread, fixed key order).

Model code uses B (batch), T (tokens), C (hidden), NH (heads), HS (head size), R (rotary dims), V (vocab).

Learning-rate schedule (0-based optimizer step i, total_steps S = 10, warmup W = max(1, round(0.1 * S)) = 1):
    i <  W : lr_i = peak * (i + 1) / W
    i >= W : progress = (i - W) / (S - W);  lr_i = peak * 0.5 * (1 + cos(pi * progress))
so the first three steps use lr = [1e-3, 1e-3, 1e-3 * 0.5 * (1 + cos(pi / 9))]. Note the (i + 1): unlike
HF's get_cosine_schedule_with_warmup, step 0 does not run at lr 0.

AdamW (torch.optim.AdamW semantics; t = i + 1; weight decay on every trainable parameter, biases and
LayerNorm parameters included):
    p <- p * (1 - lr_i * wd)
    m <- b1 * m + (1 - b1) * g ;  v <- b2 * v + (1 - b2) * g^2
    p <- p - (lr_i / (1 - b1^t)) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
"""

import json
import math
import os
import re
import struct

import numpy as np
import torch
import torch.nn.functional as F

torch.set_num_threads(1)  # one thread: float64 reductions then run in one fixed order -> byte-identical reruns
torch.set_default_dtype(torch.float64)

SEED = 20240607
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, 'packages', 'core', 'test', 'fixtures', 'golden')

CONFIG = {
    'architectures': ['GPTNeoXModel'],
    'model_type': 'gpt_neox',
    'vocab_size': 128,
    'hidden_size': 32,
    'num_hidden_layers': 2,
    'num_attention_heads': 4,
    'intermediate_size': 128,
    'hidden_act': 'gelu',
    'rotary_pct': 0.25,
    'rotary_emb_base': 10000,
    'max_position_embeddings': 64,
    'layer_norm_eps': 1e-5,
    'use_parallel_residual': True,
    'attention_bias': True,
    'attention_dropout': 0.0,
    'hidden_dropout': 0.0,
    'initializer_range': 0.02,
    'tie_word_embeddings': False,
    'bos_token_id': 0,
    'eos_token_id': 0,
    'torch_dtype': 'float32',
}

INVERSE_TEMPERATURE = 40.0
PEAK_LR = 1e-3
TOTAL_STEPS = 10
WARMUP_STEPS = max(1, round(0.1 * TOTAL_STEPS))
STEPS = 3
BETAS = (0.9, 0.999)
EPS = 1e-8
WEIGHT_DECAY = 0.1
FREEZE_BLOCKS = 1
LORA_RANK = 4
LORA_ALPHA = 8
LORA_TARGETS = ['attention.query_key_value', 'attention.dense', 'mlp.dense_h_to_4h', 'mlp.dense_4h_to_h']
PAD_ID = 0
QUERY_LENGTHS = [3, 5, 2, 6]
POS_LENGTHS = [7, 4, 9, 5]


# ---------------------------------------------------------------------------------------------------
# parameters


def param_shapes(cfg):
    """HF GPTNeoXModel parameter names (no `gpt_neox.` prefix) and shapes, in a fixed order."""
    C, V, I, L = cfg['hidden_size'], cfg['vocab_size'], cfg['intermediate_size'], cfg['num_hidden_layers']
    shapes = [('embed_in.weight', (V, C))]
    for l in range(L):
        p = f'layers.{l}.'
        shapes += [
            (p + 'input_layernorm.weight', (C,)),
            (p + 'input_layernorm.bias', (C,)),
            (p + 'post_attention_layernorm.weight', (C,)),
            (p + 'post_attention_layernorm.bias', (C,)),
            (p + 'attention.query_key_value.weight', (3 * C, C)),
            (p + 'attention.query_key_value.bias', (3 * C,)),
            (p + 'attention.dense.weight', (C, C)),
            (p + 'attention.dense.bias', (C,)),
            (p + 'mlp.dense_h_to_4h.weight', (I, C)),
            (p + 'mlp.dense_h_to_4h.bias', (I,)),
            (p + 'mlp.dense_4h_to_h.weight', (C, I)),
            (p + 'mlp.dense_4h_to_h.bias', (C,)),
        ]
    shapes += [('final_layer_norm.weight', (C,)), ('final_layer_norm.bias', (C,))]
    return shapes


def f32_exact(t):
    # Weights are rounded to float32 once, so model.safetensors (F32, like a real checkpoint) holds them
    # exactly and an f64 engine that widens them starts from the very numbers used here.
    return t.to(torch.float32).to(torch.float64)


def init_params(cfg, gen):
    """Random weights, larger than HF's std-0.02 init so attention, GELU and LayerNorm are all exercised
    away from their linear regimes and every bias matters."""
    params = {}
    for name, shape in param_shapes(cfg):
        if name == 'embed_in.weight':
            t = torch.randn(shape, generator=gen) * 0.5
        elif name.endswith('layernorm.weight') or name == 'final_layer_norm.weight':
            t = 1.0 + 0.1 * torch.randn(shape, generator=gen)
        elif name.endswith('.bias'):
            t = 0.1 * torch.randn(shape, generator=gen)
        else:  # Linear weight [out, in]
            t = torch.randn(shape, generator=gen) / math.sqrt(shape[1])
        params[name] = f32_exact(t)
    return params


def lora_module_names(cfg):
    return [f'layers.{l}.{t}' for l in range(cfg['num_hidden_layers']) for t in LORA_TARGETS]


def init_lora(cfg, params, gen, zero_b):
    """PEFT layout: lora_A.weight [r, in] kaiming-uniform(a=sqrt(5)) = U(-1/sqrt(in), 1/sqrt(in));
    lora_B.weight [out, r] zero in PEFT. For the gradient fixture B is random N(0, 0.1^2) instead,
    because with B = 0 every gradient of A is exactly zero and would check nothing."""
    lora = {}
    for m in lora_module_names(cfg):
        out_f, in_f = params[m + '.weight'].shape
        bound = 1.0 / math.sqrt(in_f)
        a = (torch.rand((LORA_RANK, in_f), generator=gen) * 2.0 - 1.0) * bound
        b = torch.zeros((out_f, LORA_RANK)) if zero_b else 0.1 * torch.randn((out_f, LORA_RANK), generator=gen)
        lora[m + '.lora_A.weight'] = f32_exact(a)
        lora[m + '.lora_B.weight'] = f32_exact(b)
    return lora


# ---------------------------------------------------------------------------------------------------
# model (HF GPTNeoXModel semantics)


def linear(x, P, name, lora):
    """y = x W^T + b, plus (alpha/r) * (x A^T) B^T when `name` carries a LoRA adapter (dropout 0)."""
    y = F.linear(x, P[name + '.weight'], P[name + '.bias'])
    if lora is not None and (name + '.lora_A.weight') in lora:
        scale = LORA_ALPHA / LORA_RANK
        y = y + scale * F.linear(F.linear(x, lora[name + '.lora_A.weight']), lora[name + '.lora_B.weight'])
    return y


def layer_norm(x, P, name, eps):
    return F.layer_norm(x, (x.shape[-1],), P[name + '.weight'], P[name + '.bias'], eps)


def rotate_half(x):
    """HF convention: split the rotary dims into halves (x1, x2) and return (-x2, x1)."""
    h = x.shape[-1] // 2
    return torch.cat((-x[..., h:], x[..., :h]), dim=-1)


def rotate_interleaved(x):
    """GPT-J convention (NOT HF GPT-NeoX), used only to prove the heads-2 fixture tells the two apart."""
    return torch.stack((-x[..., 1::2], x[..., 0::2]), dim=-1).flatten(-2)


def rotary_tables_interleaved(T, R, base):
    inv_freq = 1.0 / (base ** (torch.arange(0, R, 2, dtype=torch.float64) / R))
    freqs = torch.outer(torch.arange(T, dtype=torch.float64), inv_freq)
    return freqs.repeat_interleave(2, dim=-1).cos(), freqs.repeat_interleave(2, dim=-1).sin()


def rotary_tables(T, R, base):
    """cos/sin [T, R]; position t uses frequency inv_freq[j] = base^(-2j/R) for both halves."""
    inv_freq = 1.0 / (base ** (torch.arange(0, R, 2, dtype=torch.float64) / R))  # [R/2]
    pos = torch.arange(T, dtype=torch.float64)  # positions 0..T-1 (right padding: HF's default ids)
    freqs = torch.outer(pos, inv_freq)  # [T, R/2]
    emb = torch.cat((freqs, freqs), dim=-1)  # [T, R]
    return emb.cos(), emb.sin()


def gpt_neox(P, ids, mask, cfg, lora=None, rotary_style='half'):
    """Last hidden state [B, T, C] of GPTNeoXModel for right-padded ids [B, T] and mask [B, T]."""
    B, T = ids.shape
    C, NH = cfg['hidden_size'], cfg['num_attention_heads']
    HS = C // NH
    R = int(HS * cfg['rotary_pct'])
    eps = cfg['layer_norm_eps']
    cos, sin = rotary_tables(T, R, cfg['rotary_emb_base'])  # [T, R]
    rotate = rotate_half
    if rotary_style == 'interleaved':
        cos, sin = rotary_tables_interleaved(T, R, cfg['rotary_emb_base'])
        rotate = rotate_interleaved
    causal = torch.ones((T, T), dtype=torch.bool).tril()  # [T, T] query t sees keys <= t
    allowed = causal[None, None, :, :] & mask.bool()[:, None, None, :]  # [B, 1, T, T] and key not pad
    # Every row keeps key 0 (right padding, >= 1 real token), so -inf masking equals HF's finfo.min masking.
    h = P['embed_in.weight'][ids]  # [B, T, C]
    for l in range(cfg['num_hidden_layers']):
        p = f'layers.{l}.'
        a = layer_norm(h, P, p + 'input_layernorm', eps)  # [B, T, C]
        qkv = linear(a, P, p + 'attention.query_key_value', lora)  # [B, T, 3C]
        qkv = qkv.view(B, T, NH, 3 * HS)  # [B, T, NH, 3HS] per head: [q | k | v]
        q = qkv[..., :HS].permute(0, 2, 1, 3)  # [B, NH, T, HS]
        k = qkv[..., HS:2 * HS].permute(0, 2, 1, 3)  # [B, NH, T, HS]
        v = qkv[..., 2 * HS:].permute(0, 2, 1, 3)  # [B, NH, T, HS]
        q = torch.cat((q[..., :R] * cos + rotate(q[..., :R]) * sin, q[..., R:]), dim=-1)  # [B, NH, T, HS]
        k = torch.cat((k[..., :R] * cos + rotate(k[..., :R]) * sin, k[..., R:]), dim=-1)  # [B, NH, T, HS]
        s = (q @ k.transpose(-1, -2)) / math.sqrt(HS)  # [B, NH, T, T]
        s = s.masked_fill(~allowed, float('-inf'))  # [B, NH, T, T]
        w = torch.softmax(s, dim=-1)  # [B, NH, T, T]
        o = (w @ v).permute(0, 2, 1, 3).reshape(B, T, C)  # [B, T, C] heads concatenated
        attn = linear(o, P, p + 'attention.dense', lora)  # [B, T, C]
        m = layer_norm(h, P, p + 'post_attention_layernorm', eps)  # [B, T, C]
        m = linear(m, P, p + 'mlp.dense_h_to_4h', lora)  # [B, T, 4C]
        m = F.gelu(m)  # [B, T, 4C] exact erf GELU
        m = linear(m, P, p + 'mlp.dense_4h_to_h', lora)  # [B, T, C]
        h = h + attn + m  # [B, T, C] parallel residual
    return layer_norm(h, P, 'final_layer_norm', eps)  # [B, T, C]


def mean_pool(hidden, mask):
    """[B, T, C], [B, T] -> [B, C]: mean of hidden over tokens with mask 1."""
    m = mask.to(hidden.dtype)[:, :, None]  # [B, T, 1]
    return (hidden * m).sum(dim=1) / m.sum(dim=1)  # [B, C]


def info_nce(qe, pe):
    """Symmetric InfoNCE with in-batch negatives: S = 40 cos(q_i, p_j), L = (CE(S, diag) + CE(S^T, diag)) / 2."""
    qn = qe / qe.norm(dim=-1, keepdim=True)  # [B, C]
    pn = pe / pe.norm(dim=-1, keepdim=True)  # [B, C]
    S = INVERSE_TEMPERATURE * (qn @ pn.T)  # [B, B]
    target = torch.arange(S.shape[0])
    return 0.5 * (F.cross_entropy(S, target) + F.cross_entropy(S.T, target)), S, qn, pn


def embed_and_loss(P, batch, cfg, lora=None, rotary_style='half'):
    hq = gpt_neox(P, batch['q_ids'], batch['q_mask'], cfg, lora, rotary_style)
    hp = gpt_neox(P, batch['p_ids'], batch['p_mask'], cfg, lora, rotary_style)
    qe, pe = mean_pool(hq, batch['q_mask']), mean_pool(hp, batch['p_mask'])
    loss, S, qn, pn = info_nce(qe, pe)
    return {'hq': hq, 'hp': hp, 'qe': qe, 'pe': pe, 'qn': qn, 'pn': pn, 'S': S, 'loss': loss}


# ---------------------------------------------------------------------------------------------------
# methods, schedule, optimizer


def trainable_names(method, cfg, lora):
    names = [n for n, _ in param_shapes(cfg)]
    if method == 'full':
        return names
    if method == 'freeze':
        frozen_prefixes = ['embed_in.'] + [f'layers.{l}.' for l in range(FREEZE_BLOCKS)]
        return [n for n in names if not any(n.startswith(f) for f in frozen_prefixes)]
    if method == 'bias':
        return [n for n in names if n.endswith('.bias')]
    if method == 'lora':
        return sorted(lora.keys())
    raise ValueError(method)


def lr_at(i):
    """The schedule of the header, for 0-based optimizer step i."""
    if i < WARMUP_STEPS:
        return PEAK_LR * (i + 1) / WARMUP_STEPS
    progress = (i - WARMUP_STEPS) / (TOTAL_STEPS - WARMUP_STEPS)
    return PEAK_LR * 0.5 * (1.0 + math.cos(math.pi * progress))


def run_method(method, base, lora_init, batch, cfg):
    """Gradient at the start, then STEPS AdamW steps on the same batch. Returns names, grads, params after."""
    P = {k: v.clone() for k, v in base.items()}
    lora = {k: v.clone() for k, v in lora_init.items()} if method == 'lora' else None
    names = trainable_names(method, cfg, lora)
    store = lora if method == 'lora' else P
    tensors = [store[n] for n in names]
    for t in tensors:
        t.requires_grad_(True)

    opt = torch.optim.AdamW(tensors, lr=PEAK_LR, betas=BETAS, eps=EPS, weight_decay=WEIGHT_DECAY)
    # An own AdamW beside torch's: the two must agree, which pins down the formula in the header.
    mine = [t.detach().clone() for t in tensors]
    m_state = [torch.zeros_like(t) for t in mine]
    v_state = [torch.zeros_like(t) for t in mine]

    grads0, losses, lrs = None, [], []
    for i in range(STEPS):
        loss = embed_and_loss(P, batch, cfg, lora)['loss']
        grads = torch.autograd.grad(loss, tensors)
        if grads0 is None:
            grads0 = [g.detach().clone() for g in grads]
        lr = lr_at(i)
        losses.append(loss.item())
        lrs.append(lr)
        for t, g in zip(tensors, grads):
            t.grad = g.detach().clone()
        for group in opt.param_groups:
            group['lr'] = lr
        opt.step()
        t_ = i + 1
        for j, g in enumerate(grads):
            mine[j] = mine[j] * (1.0 - lr * WEIGHT_DECAY)
            m_state[j] = BETAS[0] * m_state[j] + (1.0 - BETAS[0]) * g
            v_state[j] = BETAS[1] * v_state[j] + (1.0 - BETAS[1]) * g * g
            denom = v_state[j].sqrt() / math.sqrt(1.0 - BETAS[1] ** t_) + EPS
            mine[j] = mine[j] - (lr / (1.0 - BETAS[0] ** t_)) * m_state[j] / denom
    for a, b in zip(tensors, mine):
        assert torch.allclose(a.detach(), b, rtol=1e-13, atol=1e-15), 'own AdamW disagrees with torch.optim.AdamW'
    with torch.no_grad():
        loss_after = embed_and_loss(P, batch, cfg, lora)['loss'].item()
    after = {n: t.detach().clone() for n, t in zip(names, tensors)}
    return {
        'names': names,
        'grads': dict(zip(names, grads0)),
        'after': after,
        'losses': losses,
        'lrs': lrs,
        'loss_after': loss_after,
    }


# ---------------------------------------------------------------------------------------------------
# batch


def make_batch(gen, V):
    def side(lengths):
        T = max(lengths)
        ids = torch.full((len(lengths), T), PAD_ID, dtype=torch.int64)
        mask = torch.zeros((len(lengths), T), dtype=torch.int64)
        for b, n in enumerate(lengths):
            ids[b, :n] = torch.randint(1, V, (n,), generator=gen)  # ids 1..V-1: a real token is never the pad id
            mask[b, :n] = 1
        return ids, mask

    q_ids, q_mask = side(QUERY_LENGTHS)
    p_ids, p_mask = side(POS_LENGTHS)
    return {'q_ids': q_ids, 'q_mask': q_mask, 'p_ids': p_ids, 'p_mask': p_mask}


# ---------------------------------------------------------------------------------------------------
# self-checks of the semantics (cheap properties an HF GPT-NeoX has)


def self_check(P, batch, cfg):
    with torch.no_grad():
        ref = embed_and_loss(P, batch, cfg)
        # Pad token ids do not matter: replace every pad id with another id.
        alt = dict(batch)
        alt['q_ids'] = torch.where(batch['q_mask'].bool(), batch['q_ids'], torch.full_like(batch['q_ids'], 77))
        out = embed_and_loss(P, alt, cfg)
        assert torch.equal(out['qe'], ref['qe']), 'pooled embedding depends on pad ids'
        # Causality: changing the last real token of query 3 leaves its earlier positions unchanged.
        n = QUERY_LENGTHS[3]
        alt2 = dict(batch)
        alt2['q_ids'] = batch['q_ids'].clone()
        alt2['q_ids'][3, n - 1] = (alt2['q_ids'][3, n - 1] % (cfg['vocab_size'] - 1)) + 1
        out2 = embed_and_loss(P, alt2, cfg)
        assert torch.equal(out2['hq'][3, : n - 1], ref['hq'][3, : n - 1]), 'attention is not causal'
        assert not torch.equal(out2['hq'][3, n - 1], ref['hq'][3, n - 1])
        # A sequence alone (no padding) gives the same real-token states as inside the padded batch.
        b = 0
        m = QUERY_LENGTHS[b]
        solo = gpt_neox(P, batch['q_ids'][b:b + 1, :m], batch['q_mask'][b:b + 1, :m], cfg)
        assert torch.allclose(solo[0], ref['hq'][b, :m], rtol=0, atol=1e-12), 'padding changes real tokens'


# ---------------------------------------------------------------------------------------------------
# output: safetensors writer and manifest

DTYPES = {'F64': '<f8', 'F32': '<f4', 'I64': '<i8'}


def write_safetensors(path, tensors, dtype):
    """HF layout: u64 LE header length, JSON header (tensors sorted by name, `__metadata__` first, compact
    separators, space-padded to a multiple of 8 bytes), then the tensors back to back in the same order."""
    header = {'__metadata__': {'format': 'pt'}}
    chunks, offset = [], 0
    for name in sorted(tensors):
        t = tensors[name].detach()
        data = np.ascontiguousarray(t.numpy().astype(DTYPES[dtype])).tobytes()
        header[name] = {'dtype': dtype, 'shape': list(t.shape), 'data_offsets': [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(',', ':')).encode('utf-8')
    text += b' ' * ((8 - len(text) % 8) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(text)))
        f.write(text)
        for c in chunks:
            f.write(c)
    return {'dtype': dtype, 'bytes': 8 + len(text) + offset, 'tensors': {n: list(tensors[n].shape) for n in sorted(tensors)}}


def dump_json(path, obj):
    text = json.dumps(obj, indent=2)
    # Lists of plain numbers on one line each; keeps the batch and shape lists readable.
    text = re.sub(r'\[\s+([-0-9.e,\s]+?)\s+\]', lambda m: '[' + re.sub(r',\s+', ', ', m.group(1)) + ']', text)
    with open(path, 'w', encoding='utf-8') as f:
        f.write(text + '\n')


def main():
    gen = torch.Generator().manual_seed(SEED)
    cfg = CONFIG
    os.makedirs(OUT, exist_ok=True)

    params = init_params(cfg, gen)
    batch = make_batch(gen, cfg['vocab_size'])
    lora_init = init_lora(cfg, params, gen, zero_b=False)
    lora_zero = init_lora(cfg, params, gen, zero_b=True)

    self_check(params, batch, cfg)

    with torch.no_grad():
        base = embed_and_loss(params, batch, cfg)
        zero = embed_and_loss(params, batch, cfg, lora_zero)
        lora_start = embed_and_loss(params, batch, cfg, lora_init)
    zero_b_diff = max((zero[k] - base[k]).abs().max().item() for k in ('hq', 'hp', 'qe', 'pe', 'loss'))
    assert zero_b_diff == 0.0, 'LoRA with B = 0 must equal the base model exactly'

    files = {}
    with open(os.path.join(OUT, 'config.json'), 'w', encoding='utf-8') as f:
        f.write(json.dumps(cfg, indent=2) + '\n')
    files['model.safetensors'] = write_safetensors(os.path.join(OUT, 'model.safetensors'), params, 'F32')
    files['model.safetensors']['description'] = 'GPTNeoXModel weights with HF names; float32-exact values, computed on in float64'
    files['batch.safetensors'] = write_safetensors(os.path.join(OUT, 'batch.safetensors'), {
        'query.input_ids': batch['q_ids'], 'query.attention_mask': batch['q_mask'],
        'positive.input_ids': batch['p_ids'], 'positive.attention_mask': batch['p_mask'],
    }, 'I64')
    files['batch.safetensors']['description'] = 'the fixed batch (same values as manifest.batch)'
    files['forward.safetensors'] = write_safetensors(os.path.join(OUT, 'forward.safetensors'), {
        'query.last_hidden_state': base['hq'], 'positive.last_hidden_state': base['hp'],
        'query.embedding': base['qe'], 'positive.embedding': base['pe'],
        'query.embedding_normalized': base['qn'], 'positive.embedding_normalized': base['pn'],
        'scores': base['S'], 'loss': base['loss'],
    }, 'F64')
    files['forward.safetensors']['description'] = 'base model forward: hidden states (pad positions included), mean-pooled embeddings, S = 40 cos, loss'
    files['lora-init.safetensors'] = write_safetensors(os.path.join(OUT, 'lora-init.safetensors'), lora_init, 'F32')
    files['lora-init.safetensors']['description'] = 'LoRA A (kaiming-uniform) and NONZERO random B used for the lora gradients and steps'

    # Variant: the same weights read with 2 heads (HS 16, so R = 4 rotary dims at two frequencies, 1 and
    # 1/100). With the main config's R = 2 a single frequency of 1 rotates one pair, where rotate-half and
    # GPT-J interleaving coincide and no inv_freq formula can be wrong; this forward pins both down.
    cfg2 = dict(cfg, num_attention_heads=2)
    with torch.no_grad():
        heads2 = embed_and_loss(params, batch, cfg2)
        gptj2 = embed_and_loss(params, batch, cfg2, rotary_style='interleaved')
        gptj1 = embed_and_loss(params, batch, cfg, rotary_style='interleaved')
    assert torch.equal(gptj1['hq'], base['hq']), 'with R = 2 the two rotary conventions should coincide'
    heads2_gap = (gptj2['hq'] - heads2['hq']).abs().max().item()
    assert heads2_gap > 1e-3, 'heads-2 fixture does not distinguish rotate-half from interleaved rotary'
    with open(os.path.join(OUT, 'config-heads2.json'), 'w', encoding='utf-8') as f:
        f.write(json.dumps(cfg2, indent=2) + '\n')
    files['forward-heads2.safetensors'] = write_safetensors(os.path.join(OUT, 'forward-heads2.safetensors'), {
        'query.last_hidden_state': heads2['hq'], 'positive.last_hidden_state': heads2['hp'],
        'query.embedding': heads2['qe'], 'positive.embedding': heads2['pe'],
        'scores': heads2['S'], 'loss': heads2['loss'],
    }, 'F64')
    files['forward-heads2.safetensors']['description'] = 'forward of model.safetensors under config-heads2.json (2 heads: HS 16, 4 rotary dims); pins the rotate-half convention and inv_freq'

    methods = {}
    for method in ('full', 'freeze', 'bias', 'lora'):
        r = run_method(method, params, lora_init, batch, cfg)
        gname, aname = f'grads-{method}.safetensors', f'after-3-steps-{method}.safetensors'
        files[gname] = write_safetensors(os.path.join(OUT, gname), r['grads'], 'F64')
        files[gname]['description'] = f'{method}: d loss / d p for every trainable parameter, at the start'
        files[aname] = write_safetensors(os.path.join(OUT, aname), r['after'], 'F64')
        files[aname]['description'] = f'{method}: every trainable parameter after {STEPS} AdamW steps (others unchanged)'
        methods[method] = {
            'trainable': r['names'],
            'trainable_count': sum(int(np.prod(r['grads'][n].shape)) for n in r['names']),
            'grads_file': gname,
            'after_file': aname,
            'losses_before_each_step': r['losses'],
            'lrs': r['lrs'],
            'loss_after_steps': r['loss_after'],
        }
    methods['freeze'].update({'frozen_blocks': FREEZE_BLOCKS,
                              'rule': 'embed_in and layers.0..k-1 frozen; later blocks and final_layer_norm trainable'})
    methods['bias'].update({'rule': 'every parameter whose name ends in .bias (LayerNorm biases included)'})
    methods['lora'].update({
        'rank': LORA_RANK, 'alpha': LORA_ALPHA, 'scaling': LORA_ALPHA / LORA_RANK, 'dropout': 0.0,
        'targets': LORA_TARGETS, 'embed_in_adapter': False,
        'rule': "W' = W + (alpha/r) B A; A [r, in], B [out, r] (PEFT names <module>.lora_A.weight / .lora_B.weight); base weights and biases frozen",
        'init_file': 'lora-init.safetensors',
        'init': 'A ~ U(-1/sqrt(in), 1/sqrt(in)) (PEFT kaiming-uniform a=sqrt(5)); B ~ N(0, 0.1^2) (NONZERO, unlike PEFT, so A gets gradients); float32-exact',
        'loss_at_init': lora_start['loss'].item(),
        'zero_b_equals_base': {'max_abs_diff': zero_b_diff,
                               'checked': 'hidden states, pooled embeddings and loss with B = 0 equal the base model bit for bit'},
    })

    manifest = {
        'format_version': 1,
        'generator': 'tools/golden/make_golden.py',
        'torch_version': torch.__version__,
        'seed': SEED,
        'precision': 'all computation in float64; model.safetensors and lora-init.safetensors are F32 (values are float32-exact, widen them to f64); batch.safetensors is I64; every result file is F64',
        'config': cfg,
        'batch': {
            'pad_token_id': PAD_ID,
            'padding': 'right, pad id = eos id; no BOS/EOS added; query and positive sides padded separately to their own longest',
            'query': {'lengths': QUERY_LENGTHS, 'input_ids': batch['q_ids'].tolist(), 'attention_mask': batch['q_mask'].tolist()},
            'positive': {'lengths': POS_LENGTHS, 'input_ids': batch['p_ids'].tolist(), 'attention_mask': batch['p_mask'].tolist()},
        },
        'semantics': {
            'model': 'HF GPTNeoXModel: embed_in; per block h + attn(ln1(h)) + mlp(ln2(h)); fused QKV viewed [B,T,NH,3HS] as [q|k|v] per head; rotary on the first rotary_pct*HS dims with rotate-half; positions 0..T-1; scores/sqrt(HS); causal + key padding mask; exact GELU; final_layer_norm',
            'pooling': 'mean of last_hidden_state over tokens with attention_mask 1 (not normalised)',
            'loss': 'qn, pn = L2-normalised embeddings; S = 40 * qn @ pn^T; L = 0.5 * (CE(S, arange(B)) + CE(S^T, arange(B))), CE averaged over the batch',
        },
        'loss': base['loss'].item(),
        'inverse_temperature': INVERSE_TEMPERATURE,
        'optimizer': {
            'name': 'AdamW', 'betas': list(BETAS), 'eps': EPS, 'weight_decay': WEIGHT_DECAY,
            'steps': STEPS, 'batch_each_step': 'the same fixed batch',
            'update': 'p *= 1 - lr*wd; m = b1*m + (1-b1)*g; v = b2*v + (1-b2)*g^2; p -= (lr/(1-b1^t)) * m / (sqrt(v)/sqrt(1-b2^t) + eps); t = i+1',
            'weight_decay_applies_to': 'every trainable parameter (biases and LayerNorm included)',
        },
        'schedule': {
            'peak_lr': PEAK_LR, 'total_steps': TOTAL_STEPS, 'warmup_steps': WARMUP_STEPS,
            'warmup_rule': 'warmup_steps = max(1, round(0.1 * total_steps))',
            'formula': 'i < warmup: lr_i = peak*(i+1)/warmup; else progress = (i-warmup)/(total-warmup), lr_i = peak*0.5*(1+cos(pi*progress)); i is the 0-based step',
            'lrs': [lr_at(i) for i in range(STEPS)],
        },
        'methods': methods,
        'variants': {
            'heads2': {
                'config_file': 'config-heads2.json', 'weights_file': 'model.safetensors',
                'forward_file': 'forward-heads2.safetensors', 'loss': heads2['loss'].item(),
                'why': 'main config has HS 8 -> 2 rotary dims at frequency 1, where rotate-half equals GPT-J interleaving; here HS 16 -> 4 rotary dims',
                'interleaved_rotary_max_abs_diff': heads2_gap,
            },
        },
        'files': files,
    }
    dump_json(os.path.join(OUT, 'manifest.json'), manifest)
    total = sum(os.path.getsize(os.path.join(OUT, f)) for f in os.listdir(OUT))
    print(f'wrote {len(files) + 3} files to {os.path.relpath(OUT, ROOT)} ({total} bytes); loss {base["loss"].item():.6f}')


if __name__ == '__main__':
    main()
