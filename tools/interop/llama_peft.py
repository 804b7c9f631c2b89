#!/usr/bin/env python3
"""Interop peer for tools/interop/llama-peft.test.ts: Llama-family folders saved by transformers and a
LoRA adapter saved by PEFT itself, with their mean-pooled embeddings, for our engine to reproduce.

For each of a Llama (GQA, untied) and a Qwen2 (GQA, tied, q/k/v biases) config: a tiny random model
saved with save_pretrained (f32; Qwen2 in bf16 and sharded), LoRA r=4 through PEFT's LoraConfig on the
seven projections PEFT names (q/k/v/o_proj, gate/up/down_proj) with B made non-zero, saved with
save_pretrained, and mean-pooled last hidden states of the base and the adapted model.

What it is not: a test (the TypeScript test asserts) or a training script. Offline, CPU, seeded.
Usage: llama_peft.py REQUEST.json RESULT.json  (request: {"ids", "mask", "out_dir", "vocab_size"})
"""
import json
import os
import sys

import torch
import transformers as t
from peft import LoraConfig, get_peft_model

TARGETS = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]


def mean_pool(hidden, mask):
    m = mask[..., None].to(hidden.dtype)
    return ((hidden * m).sum(1) / m.sum(1)).tolist()


def main():
    req = json.load(open(sys.argv[1]))
    ids = torch.tensor(req["ids"])
    mask = torch.tensor(req["mask"])
    common = dict(num_hidden_layers=2, hidden_size=16, num_attention_heads=4, num_key_value_heads=2, intermediate_size=24,
                  vocab_size=req["vocab_size"], max_position_embeddings=64, rms_norm_eps=1e-6, hidden_act="silu")
    configs = {
        "llama-f32": (t.LlamaConfig, t.LlamaModel, dict(common, rope_theta=10000.0, tie_word_embeddings=False), torch.float32, None),
        "qwen2-bf16-sharded": (t.Qwen2Config, t.Qwen2Model, dict(common, rope_theta=1e6, tie_word_embeddings=True, use_sliding_window=False), torch.bfloat16, "4KB"),
    }
    out = {}
    for name, (Config, Model, kwargs, dtype, shard) in configs.items():
        torch.manual_seed(3)
        model = Model(Config(**kwargs)).eval()
        with torch.no_grad():
            for p in model.parameters():  # norms start at 1 and biases at 0: perturb so every term shows
                p.add_(torch.randn_like(p) * 0.05)
        path = os.path.join(req["out_dir"], name)
        model.to(dtype).save_pretrained(path, **({"max_shard_size": shard} if shard else {}))
        base = Model.from_pretrained(path, dtype=torch.float32).eval()
        with torch.no_grad():
            plain = mean_pool(base(input_ids=ids, attention_mask=mask).last_hidden_state, mask)
        adapted = get_peft_model(base, LoraConfig(r=4, lora_alpha=8, lora_dropout=0.0, target_modules=TARGETS))
        with torch.no_grad():
            for n, p in adapted.named_parameters():
                if "lora_" in n:
                    p.copy_(torch.randn_like(p) * 0.1)
        adapter = path + "-adapter"
        adapted.save_pretrained(adapter)
        with torch.no_grad():
            lora = mean_pool(adapted.eval()(input_ids=ids, attention_mask=mask).last_hidden_state, mask)
        out[name] = {"files": sorted(os.listdir(path)), "adapter_files": sorted(os.listdir(adapter)), "base": plain, "adapted": lora}
    json.dump(out, open(sys.argv[2], "w"))


if __name__ == "__main__":
    main()
