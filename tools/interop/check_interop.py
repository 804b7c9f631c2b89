"""Interop peer for tools/interop/interop.test.ts: the real Python libraries load what repurpose
exported, and save models repurpose must load — all in ONE process, since importing transformers
costs 10-40 s here.

What it does, given a request JSON (argv[1]) and writing a result JSON (argv[2]):
  1. sentence-transformers: SentenceTransformer(st_dir) encodes the texts (its own tokenizer, no
     code) -> embeddings and the token ids it used;
  2. PEFT: PeftModel.from_pretrained(GPTNeoXModel(base_dir), peft_dir) -> mean-pooled last hidden
     state for the given ids/mask; also AutoModel on our hf export for the same batch;
  3. transformers save_pretrained: random tiny GPTNeoX models written to save_dir/<name> as
     GPTNeoXModel f32, GPTNeoXForCausalLM bf16 sharded (small max_shard_size), GPTNeoXModel f16
     -> each one's mean-pooled embedding of the batch, computed by transformers itself;
  4. PEFT save_pretrained: a LoRA adapter (with embed_in) on the f32 model -> its mean-pooled output.

What it is not: a test (the vitest file compares), or a fixture generator (nothing is committed).
Needs the peer venv (tools/python/setup-venv.sh); no network.
"""

import json
import os
import sys

import torch

torch.set_num_threads(1)


def mean_pool(hidden, mask):
    m = mask.unsqueeze(-1).to(hidden.dtype)
    return (hidden * m).sum(1) / m.sum(1)


def main():
    req = json.load(open(sys.argv[1]))
    ids = torch.tensor(req['ids'])
    mask = torch.tensor(req['mask'])
    out = {}

    from sentence_transformers import SentenceTransformer
    st = SentenceTransformer(req['st_dir'], device='cpu')
    out['st_max_seq_length'] = st.max_seq_length
    out['st_modules'] = [type(m).__name__ for m in st]
    out['st_ids'] = [st.tokenizer(t, add_special_tokens=True)['input_ids'] for t in req['texts']]
    out['st_embeddings'] = st.encode(req['texts'], convert_to_numpy=True, normalize_embeddings=False, batch_size=len(req['texts'])).tolist()

    from transformers import AutoModel, GPTNeoXConfig, GPTNeoXForCausalLM, GPTNeoXModel
    from peft import PeftModel
    base = GPTNeoXModel.from_pretrained(req['base_dir'], dtype=torch.float32).eval()
    peft = PeftModel.from_pretrained(base, req['peft_dir']).eval()
    out['peft_targets'] = sorted(peft.peft_config['default'].target_modules)
    with torch.no_grad():
        out['peft_embeddings'] = mean_pool(peft(input_ids=ids, attention_mask=mask).last_hidden_state, mask).tolist()
        hf = AutoModel.from_pretrained(req['hf_dir'], dtype=torch.float32).eval()
        out['hf_class'] = type(hf).__name__
        out['hf_embeddings'] = mean_pool(hf(input_ids=ids, attention_mask=mask).last_hidden_state, mask).tolist()

    torch.manual_seed(20261202)
    config = GPTNeoXConfig(vocab_size=req['vocab_size'], hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
                           intermediate_size=64, max_position_embeddings=128, rope_parameters={'rope_type': 'default', 'rope_theta': 10000.0, 'partial_rotary_factor': 0.25})
    saved = {}
    for name, cls, dtype, shard in (('neox-f32', GPTNeoXModel, torch.float32, None),
                                    ('neox-causal-bf16-sharded', GPTNeoXForCausalLM, torch.bfloat16, '60KB'),
                                    ('neox-f16', GPTNeoXModel, torch.float16, None)):
        model = cls(config).eval()
        with torch.no_grad():
            for p in model.parameters():  # default init leaves biases 0 and LayerNorms 1: perturb so every term shows
                p.add_(torch.randn_like(p) * 0.05)
        model = model.to(dtype)
        path = os.path.join(req['save_dir'], name)
        model.save_pretrained(path, **({'max_shard_size': shard} if shard else {}))
        inner = model.gpt_neox if hasattr(model, 'gpt_neox') else model
        with torch.no_grad():
            # The reference embedding: the stored weights, computed in float32 (as our engine loads them).
            hidden = inner.to(torch.float32)(input_ids=ids, attention_mask=mask).last_hidden_state
        saved[name] = {'files': sorted(os.listdir(path)), 'embeddings': mean_pool(hidden, mask).tolist()}
    out['saved'] = saved

    # A PEFT adapter saved by PEFT itself, on the f32 model saved above: LoRA r=4 on the paper's four
    # Linears and embed_in, B (and the embedding's A) made non-zero so the adapter changes the output.
    from peft import LoraConfig, get_peft_model
    torch.manual_seed(7)
    neox = GPTNeoXModel.from_pretrained(os.path.join(req['save_dir'], 'neox-f32'), dtype=torch.float32).eval()
    adapted = get_peft_model(neox, LoraConfig(r=4, lora_alpha=8, lora_dropout=0.0, target_modules=['query_key_value', 'dense', 'dense_h_to_4h', 'dense_4h_to_h', 'embed_in']))
    with torch.no_grad():
        for name, p in adapted.named_parameters():
            if 'lora_' in name:
                p.copy_(torch.randn_like(p) * 0.1)
    adapter_dir = os.path.join(req['save_dir'], 'peft-adapter')
    adapted.save_pretrained(adapter_dir)
    with torch.no_grad():
        hidden = adapted.eval()(input_ids=ids, attention_mask=mask).last_hidden_state
    out['peft_saved'] = {'files': sorted(os.listdir(adapter_dir)), 'embeddings': mean_pool(hidden, mask).tolist()}
    json.dump(out, open(sys.argv[2], 'w'))


if __name__ == '__main__':
    main()
