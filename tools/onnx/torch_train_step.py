"""The PyTorch peer of the ONNX training-step benchmark: Hugging Face transformers' GPTNeoXModel (+ peft
LoRA) on torch CPU at the same shape, batch, method and thread count as ours — random weights, mean
pooling, symmetric InfoNCE (inverse temperature 40), AdamW. Prints one JSON line:
{"pairs_per_second", "step_seconds", "cpu_seconds_per_step", "torch", "transformers", "peft"}.
Not a test and not a golden-value generator (tools/golden is).

usage: python tools/onnx/torch_train_step.py --model pythia-70m --method full|lora --steps 5 --threads 2
(PEER_VERBOSE=1 prints every step's wall and CPU seconds to stderr, warm-up steps included.)
"""
import argparse
import json
import os
import sys
import time

import torch

SHAPES = {
    'pythia-70m': dict(num_hidden_layers=6, hidden_size=512, num_attention_heads=8),
    'pythia-160m': dict(num_hidden_layers=12, hidden_size=768, num_attention_heads=12),
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--model', default='pythia-70m')
    ap.add_argument('--method', default='full')
    ap.add_argument('--rank', type=int, default=32)
    ap.add_argument('--steps', type=int, default=5)
    ap.add_argument('--warmup', type=int, default=1)
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--B', type=int, default=32)
    ap.add_argument('--Tq', type=int, default=16)
    ap.add_argument('--Tp', type=int, default=64)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    import transformers
    from transformers import GPTNeoXConfig, GPTNeoXModel

    s = SHAPES[a.model]
    cfg = GPTNeoXConfig(vocab_size=50304, intermediate_size=4 * s['hidden_size'], max_position_embeddings=2048,
                        rotary_pct=0.25, rotary_emb_base=10000, use_parallel_residual=True, **s)
    model = GPTNeoXModel(cfg)
    peft_version = None
    if a.method == 'lora':
        import peft
        peft_version = peft.__version__
        lcfg = peft.LoraConfig(r=a.rank, lora_alpha=2 * a.rank, lora_dropout=0.0,
                               target_modules=['query_key_value', 'dense', 'dense_h_to_4h', 'dense_4h_to_h'])
        model = peft.get_peft_model(model, lcfg)
    model.train()
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=1e-4, weight_decay=0.01)
    g = torch.Generator().manual_seed(7)
    q = torch.randint(1, 50304, (a.B, a.Tq), generator=g)
    p = torch.randint(1, 50304, (a.B, a.Tp), generator=g)
    qm = torch.ones_like(q)
    pm = torch.ones_like(p)

    def embed(ids, mask):
        h = model(input_ids=ids, attention_mask=mask).last_hidden_state
        m = mask.unsqueeze(-1).to(h.dtype)
        e = (h * m).sum(1) / m.sum(1)
        return torch.nn.functional.normalize(e, dim=-1)

    times, cpus = [], []
    for i in range(a.warmup + a.steps):
        t0, c0 = time.perf_counter(), time.process_time()
        opt.zero_grad(set_to_none=True)
        s_ = 40 * embed(q, qm) @ embed(p, pm).T
        target = torch.arange(a.B)
        loss = (torch.nn.functional.cross_entropy(s_, target) + torch.nn.functional.cross_entropy(s_.T, target)) / 2
        loss.backward()
        opt.step()
        if os.environ.get('PEER_VERBOSE'):
            print(f'step {i}: {time.perf_counter() - t0:.2f} s, cpu {time.process_time() - c0:.2f}', file=sys.stderr)
        if i >= a.warmup:
            times.append(time.perf_counter() - t0)
            cpus.append(time.process_time() - c0)
    times.sort()
    cpus.sort()
    med = times[len(times) // 2]
    print(json.dumps({'pairs_per_second': a.B / med, 'step_seconds': med, 'cpu_seconds_per_step': cpus[len(cpus) // 2],
                      'torch': torch.__version__, 'transformers': transformers.__version__, 'peft': peft_version}))


if __name__ == '__main__':
    main()
