#!/usr/bin/env python3
"""Golden token ids for the tiny GPT-NeoX-style tokenizer, from transformers' own tokenizer classes.

What it is: loads packages/core/test/fixtures/text/tiny-bpe with `AutoTokenizer` and with
`PreTrainedTokenizerFast(tokenizer_file=...)`, checks the two (and the raw `tokenizers` library) agree,
and writes, for a list of tricky strings (empty, whitespace runs, tabs and newlines, NFC-sensitive
accents, emoji with ZWJ and skin tones, scripts outside the training data, control characters, the
EOS text inside a string, long speeches past 75 tokens):
  - `ids`: the ids with no special tokens added (the paper adds no BOS/EOS), untruncated;
  - `batch`: the whole list as one batch, truncated to 75 tokens and padded to the longest with
    pad = EOS (`<|endoftext|>`, id 0) on the right, with the attention mask.
What it is not: a test (packages/core/src/text/tokenizer.test.ts compares our encoder to this file).

Usage: tokenizer_golden.py FIXTURE_DIR   (writes FIXTURE_DIR/tokenizer-golden.json)
"""
import json
import os
import sys

import tokenizers
import transformers
from transformers import AutoTokenizer, PreTrainedTokenizerFast

MAX_LENGTH = 75


def tricky_strings(fixture_dir):
    with open(os.path.join(fixture_dir, "sotu-pairs.jsonl"), encoding="utf-8") as f:
        long_texts = [json.loads(line)["pos"][0] for line, _ in zip(f, range(2))]
    return [
        "",
        "a",
        "Hello, world!",
        "   ",
        "  leading and trailing spaces  ",
        "multiple     spaces    between   words",
        "tabs\tand\nnewlines\r\nand\n\n\nblank lines",
        "don't won't it's I'm we've they'll I'd",
        "numbers 1234567890 3.14159 1,000,000 and 2024-06-01",
        "caf\u00e9 vs cafe\u0301 (precomposed vs combining accent)",
        "\u00dcn\u00efc\u00f6d\u00e9: na\u00efve Stra\u00dfe \u0395\u03bb\u03bb\u03b7\u03bd\u03b9\u03ba\u03ac \u0440\u0443\u0441\u0441\u043a\u0438\u0439 \u65e5\u672c\u8a9e \ud55c\uad6d\uc5b4 \u05e9\u05dc\u05d5\u05dd \u0639\u0631\u0628\u064a",
        "emoji \U0001f44d\U0001f3fd family \U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466 flag \U0001f1fa\U0001f1f8 \u2764\ufe0f",
        "control \u0000 and \u0007 bell, zero\u200bwidth",
        "the end<|endoftext|>and after",
        "<|padding|>",
        "ALL CAPS SHOUTING AND MiXeD cAsE",
        long_texts[0],
        long_texts[1],
    ]


def main():
    fixture_dir = sys.argv[1]
    model_dir = os.path.join(fixture_dir, "tiny-bpe")
    auto = AutoTokenizer.from_pretrained(model_dir)
    fast = PreTrainedTokenizerFast(tokenizer_file=os.path.join(model_dir, "tokenizer.json"))
    raw = tokenizers.Tokenizer.from_file(os.path.join(model_dir, "tokenizer.json"))
    strings = tricky_strings(fixture_dir)
    cases = []
    for s in strings:
        ids = auto(s, add_special_tokens=False)["input_ids"]
        assert ids == fast(s, add_special_tokens=False)["input_ids"], s
        assert ids == raw.encode(s, add_special_tokens=False).ids, s
        cases.append({"text": s, "ids": ids})
    auto.pad_token = auto.eos_token
    batch = auto(strings, add_special_tokens=False, truncation=True, max_length=MAX_LENGTH, padding="longest")
    assert auto.pad_token_id == 0
    out = {
        "about": "golden ids from transformers' AutoTokenizer; written by tools/text/tokenizer_golden.py",
        "transformers": transformers.__version__,
        "tokenizers": tokenizers.__version__,
        "tokenizerClass": type(auto).__name__,
        "maxLength": MAX_LENGTH,
        "padId": auto.pad_token_id,
        "cases": cases,
        "batch": {"input_ids": batch["input_ids"], "attention_mask": batch["attention_mask"]},
    }
    path = os.path.join(fixture_dir, "tokenizer-golden.json")
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        json.dump(out, f, ensure_ascii=False)
        f.write("\n")
    os.replace(path + ".tmp", path)
    lengths = [len(c["ids"]) for c in cases]
    print(f"{type(auto).__name__}: {len(cases)} strings, lengths {lengths} -> {path}")


if __name__ == "__main__":
    main()
