#!/usr/bin/env python3
"""Golden values for the causal-LM loss (packages/core/src/model/causal-lm.ts) from Hugging Face
transformers itself: a tiny random GPTNeoXForCausalLM in float64, one right-padded batch, the shifted
cross-entropy HF computes with labels = input_ids (padding marked -100) but kept in float64, and the
gradient of every parameter.

Two deliberate changes to transformers, both about precision, not math: its rotary embedding takes
cos/sin in float32, and its eager attention's softmax runs in float32; the script replaces the first by
the same formula in float64 and uses the SDPA attention, so the fixtures are float64 references.

What it is not: a trainer or a test. It never touches the network or a model hub.

Rerun (the venv of tools/python/setup-venv.sh):
    .tmp/venv/bin/python tools/golden/make_causal_lm_golden.py
Writes packages/core/test/fixtures/causal-lm/{config.json, model.safetensors, expected.safetensors, batch.json}.
"""
import json
import os

import torch
from safetensors.torch import save_file
from transformers import GPTNeoXConfig, GPTNeoXForCausalLM

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "packages", "core", "test", "fixtures", "causal-lm")


def f64_rotary(module, dims, base):
    """transformers' rotary embedding casts inv_freq and positions to float32 before cos/sin; the same
    formula (inv_freq = base^(-2j/R), angle = t * inv_freq, cos/sin of cat(angle, angle)) in float64."""
    def forward(x, position_ids):
        inv_freq = 1.0 / (base ** (torch.arange(0, dims, 2, dtype=torch.float64) / dims))
        angles = position_ids.to(torch.float64)[..., None] * inv_freq
        emb = torch.cat((angles, angles), dim=-1)
        return emb.cos().to(x.dtype), emb.sin().to(x.dtype)
    module.forward = forward


def main() -> None:
    torch.manual_seed(0)
    torch.set_num_threads(1)
    config = GPTNeoXConfig(
        vocab_size=37, hidden_size=16, num_hidden_layers=2, num_attention_heads=2, intermediate_size=40,
        max_position_embeddings=32, rotary_pct=0.5, use_parallel_residual=True, tie_word_embeddings=False,
        hidden_act="gelu", layer_norm_eps=1e-5, attention_dropout=0.0, hidden_dropout=0.0,
    )
    config._attn_implementation = "sdpa"  # the eager path's softmax runs in float32; SDPA on CPU keeps float64
    model = GPTNeoXForCausalLM(config).double().eval()
    rope = config.rope_parameters  # transformers 5 keeps rotary_pct / rotary_emb_base here
    rotary_dims = int(config.hidden_size // config.num_attention_heads * rope["partial_rotary_factor"])
    f64_rotary(model.gpt_neox.rotary_emb, rotary_dims, rope["rope_theta"])
    with torch.no_grad():  # non-zero biases and layer-norm parameters, so every gradient is exercised
        for p in model.parameters():
            p.add_(0.05 * torch.randn_like(p))
    ids = torch.tensor([[5, 9, 2, 31, 7, 7, 1], [3, 14, 15, 0, 0, 0, 0], [36, 1, 8, 22, 4, 0, 0]])
    mask = torch.tensor([[1, 1, 1, 1, 1, 1, 1], [1, 1, 1, 0, 0, 0, 0], [1, 1, 1, 1, 1, 0, 0]])
    labels = ids.masked_fill(mask == 0, -100)
    out = model(input_ids=ids, attention_mask=mask, labels=labels)
    # HF's own loss upcasts logits with `.float()`, i.e. computes in float32 even for a float64 model;
    # the reference is the same shifted, padding-ignoring cross-entropy kept in float64.
    logits = out.logits[:, :-1].reshape(-1, config.vocab_size)
    loss = torch.nn.functional.cross_entropy(logits, labels[:, 1:].reshape(-1), ignore_index=-100)
    assert abs(loss.item() - out.loss.item()) < 1e-5, (loss.item(), out.loss.item())
    loss.backward()
    os.makedirs(OUT, exist_ok=True)
    config.to_json_file(os.path.join(OUT, "config.json"))
    weights = {k: v.detach().contiguous() for k, v in model.state_dict().items() if not k.endswith(("masked_bias", ".bias.attn", "inv_freq"))}
    save_file(weights, os.path.join(OUT, "model.safetensors"))
    expected = {"loss": loss.detach().reshape(1)}
    for name, p in model.named_parameters():
        expected["grad:" + name] = p.grad.detach().contiguous()
    save_file(expected, os.path.join(OUT, "expected.safetensors"))
    with open(os.path.join(OUT, "batch.json"), "w") as f:
        json.dump({"input_ids": ids.tolist(), "attention_mask": mask.tolist(), "loss": loss.item(), "hf_float32_loss": out.loss.item()}, f, indent=1)
    print("loss", loss.item(), "hf (float32)", out.loss.item(), "parameters", len(weights))


if __name__ == "__main__":
    main()
