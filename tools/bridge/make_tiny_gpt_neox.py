#!/usr/bin/env python3
"""Writes a tiny random GPT-NeoX (GPTNeoXModel saved by transformers' save_pretrained), a word-level
tokenizer whose EOS is also its pad token, and a small pair file of English-like sentences, for the
exported-recipe acceptance test (packages/cli/test/export-recipe-torchrun.test.ts).

Not a pre-training script and not a benchmark: the weights are random (seeded), the words are a
fixed list so the test needs no corpus, and nothing is downloaded.

usage: make_tiny_gpt_neox.py OUT_DIR [--pairs N] [--held-out N] [--seed S]
writes OUT_DIR/model/{config.json, model.safetensors, tokenizer.json, ...},
       OUT_DIR/train.jsonl (BGE form: {"query": ..., "pos": [...]}) and OUT_DIR/held-out.jsonl
"""
import argparse
import json
import os
import random

WORDS = (
    "the a of to and in is it that for on with as by at from this be are was or an not have "
    "river mountain city garden music light water stone paper window silver market winter summer "
    "doctor teacher engine forest island bridge letter bottle candle harbor lantern meadow orchard "
    "runs sings builds writes opens grows carries finds keeps shines flows rises falls turns holds "
    "quiet bright old young green cold warm tall small heavy early late"
).split()


def write_tokenizer(out_dir):
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    vocab = {"<|endoftext|>": 0, "<unk>": 1}
    for word in WORDS:
        vocab.setdefault(word, len(vocab))
    tok = Tokenizer(models.WordLevel(vocab=vocab, unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, eos_token="<|endoftext|>", unk_token="<unk>", pad_token="<|endoftext|>")
    fast.save_pretrained(out_dir)
    return len(vocab)


def write_model(out_dir, vocab_size, seed):
    import torch
    from transformers import GPTNeoXConfig, GPTNeoXModel

    torch.manual_seed(seed)
    config = GPTNeoXConfig(
        vocab_size=vocab_size,
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=4,
        intermediate_size=128,
        max_position_embeddings=128,
        rotary_pct=0.25,
        use_parallel_residual=True,
        hidden_act="gelu",
        layer_norm_eps=1e-5,
        bos_token_id=0,
        eos_token_id=0,
        tie_word_embeddings=False,
    )
    model = GPTNeoXModel(config)
    model.save_pretrained(out_dir, safe_serialization=True)


def sentence(rng, lo, hi):
    # Skip the EOS/pad and unknown ids' words: none are in WORDS, so every token is real.
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(lo, hi)))


def write_pairs(path, n, rng):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        for _ in range(n):
            f.write(json.dumps({"query": sentence(rng, 3, 8), "pos": [sentence(rng, 5, 14)], "neg": []}) + "\n")
    os.replace(tmp, path)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("out")
    p.add_argument("--pairs", type=int, default=64)
    p.add_argument("--held-out", type=int, default=16)
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args()
    model_dir = os.path.join(a.out, "model")
    os.makedirs(model_dir, exist_ok=True)
    vocab_size = write_tokenizer(model_dir)
    write_model(model_dir, vocab_size, a.seed)
    rng = random.Random(a.seed)
    write_pairs(os.path.join(a.out, "train.jsonl"), a.pairs, rng)
    write_pairs(os.path.join(a.out, "held-out.jsonl"), a.held_out, rng)
    print(json.dumps({"model": model_dir, "vocabSize": vocab_size}))


if __name__ == "__main__":
    main()
