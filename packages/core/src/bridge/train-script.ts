/**
 * The Python training script `repurpose export-recipe` writes (train.py): a template of our own, run
 * with torchrun or accelerate launch on PyTorch + sentence-transformers + PEFT. It reads every
 * setting from the run config beside it (run-config.ts) and appends its result to a run ledger.
 *
 * Why these choices, in short (docs/distributed.md has the long form):
 * - The loss is sentence-transformers' MultipleNegativesRankingLoss with directions query_to_doc and
 *   doc_to_query and partition_mode per_direction: per row i it is −S_ii + ½(lse_j S_ij + lse_j S_ji),
 *   whose mean is ½[CE(S, diag) + CE(Sᵀ, diag)], our loss (model/info-nce.ts). The deprecated
 *   MultipleNegativesSymmetricRankingLoss is the same object. Embeddings are gathered over processes
 *   with gradients, so the in-batch negatives are the whole global batch, as in one process.
 * - Our own step loop, not SentenceTransformerTrainer: the trainer needs the `datasets` package, picks
 *   its own schedule (HF's warm-up starts at lr 0, ours at peak/W) and excludes biases and norms from
 *   weight decay (ours decays every trainable tensor); here each is exactly repurpose's.
 * - Gradients are averaged with one all-reduce after the step's backward passes instead of DDP hooks,
 *   because the cached (GradCache) loss runs one backward per mini-batch.
 *
 * The Python is checked by tests (py_compile, and a run under torchrun with 2 processes). Not a
 * generator of arbitrary code: only the recipe summary comment is filled in; the rest is fixed text.
 */
import type { RecipeRunConfig } from './run-config.js';

/** The marker line replaced by the recipe summary. */
const RECIPE_MARKER = '# @@RECIPE@@';

export const TRAIN_SCRIPT_TEMPLATE = String.raw`#!/usr/bin/env python3
# Written by 'repurpose export-recipe' (template repurpose.recipe-run.v1). Edit recipe.json, not this file.
# @@RECIPE@@
"""Fine-tunes a decoder LM into an embedding model with a repurpose recipe, on PyTorch with
sentence-transformers (mean pooling, its symmetric in-batch InfoNCE) and PEFT, on one or many GPUs, and
appends the run to a repurpose run ledger (JSONL) that 'repurpose fit' reads.

    python train.py                                  # one process (CPU or one GPU)
    torchrun --nproc_per_node 8 train.py             # 8 GPUs on one machine
    accelerate launch --num_processes 8 train.py     # the same through accelerate
    torchrun --nnodes 4 --nproc_per_node 8 --rdzv_backend c10d --rdzv_endpoint HOST:29500 train.py

Everything that shapes the run is in recipe.json beside this script: the model, the method, pairs,
steps, the global batch, the warm-up + cosine schedule, AdamW, the loss (scale 40), max sequence length
75, mean pooling, pad = EOS. Flags override the paths and a few settings (--help).

What one optimizer step is, exactly as repurpose's own trainer: B pairs (the global batch, split
evenly over the processes); every text truncated to 75 tokens, padded on the right with EOS to the
longest text of its side; mean pooling over real tokens; L2 normalisation; scores S = 40 * q p^T over
the whole global batch (embeddings gathered from every process); loss = (CE(S, diag) + CE(S^T, diag)) / 2;
AdamW (decoupled weight decay on every trainable tensor) at lr_i = peak * (i + 1) / W for i < W, then
peak * (1 + cos(pi * (i - W) / (S - W))) / 2, W = max(1, round(0.1 * S)).

Not a hyper-parameter search and not an evaluator beyond the held-out contrastive loss the ledger
records; MTEB and friends run on the saved model.
"""
import argparse
import contextlib
import datetime
import fcntl
import hashlib
import json
import math
import os
import random
import sys
import tempfile
import time

FORMAT = "repurpose.recipe-run.v1"


# ---------------------------------------------------------------------------------------------------
# The schedule, the loss's arithmetic, the data: plain Python, importable without torch.

def round_half_even(x):
    """Python's round() is already half-to-even; named so the formula reads as in repurpose."""
    return int(round(x))


def warmup_steps(total_steps, warmup_fraction):
    return max(1, round_half_even(warmup_fraction * total_steps))


def learning_rate(step, total_steps, peak, warmup_fraction):
    """lr of 0-based step 'step' of 'total_steps' (repurpose train/learning-rate.ts)."""
    if not (0 <= step < total_steps):
        raise ValueError("step %r outside 0..%d" % (step, total_steps - 1))
    w = warmup_steps(total_steps, warmup_fraction)
    if step < w:
        return peak * (step + 1) / w
    return peak * 0.5 * (1 + math.cos(math.pi * (step - w) / (total_steps - w)))


class RunError(Exception):
    """A problem with the run's inputs, printed as one line (exit 2)."""


def read_pairs(path, limit=None, skip=0):
    """(query, positive) pairs from BGE JSONL ({"query", "pos": [...]}: the first positive), JSONL with
    "query"/"anchor" and "positive"/"pos", or TSV (query TAB positive). Hard negatives are ignored (the
    paper uses none). Reads only as far as it needs."""
    pairs = []
    is_tsv = path.endswith(".tsv")
    with open(path, encoding="utf-8") as f:
        index = 0
        for number, line in enumerate(f, 1):
            if line.strip() == "":
                continue
            if index < skip:
                index += 1
                continue
            if limit is not None and len(pairs) >= limit:
                break
            index += 1
            if is_tsv:
                cells = line.rstrip("\r\n").split("\t")
                if len(cells) < 2:
                    raise RunError("%s:%d: expected query<TAB>positive" % (path, number))
                pairs.append((cells[0], cells[1]))
                continue
            try:
                row = json.loads(line)
            except ValueError as e:
                raise RunError("%s:%d: not JSON (%s)" % (path, number, e))
            if not isinstance(row, dict):
                raise RunError("%s:%d: expected a JSON object" % (path, number))
            query = row.get("query", row.get("anchor"))
            positive = row.get("positive", row.get("pos"))
            if isinstance(positive, list):
                positive = positive[0] if positive else None
            if not isinstance(query, str) or not isinstance(positive, str):
                raise RunError("%s:%d: expected a string query and a positive (BGE: {\"query\": ..., \"pos\": [...]})" % (path, number))
            pairs.append((query, positive))
    return pairs


def file_digest(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def append_ledger_line(path, record):
    """Appends one JSON line to the ledger atomically: under an exclusive lock on PATH.lock, the
    existing ledger plus the new line is written to a temporary file beside it, flushed, and renamed
    over the ledger, so a reader never sees a partial line and concurrent runs never interleave."""
    line = json.dumps(record, sort_keys=False, allow_nan=False)
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    with open(path + ".lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            old = b""
            if os.path.exists(path):
                with open(path, "rb") as f:
                    old = f.read()
                if old and not old.endswith(b"\n"):
                    old += b"\n"
            fd, tmp = tempfile.mkstemp(prefix=".ledger-", dir=directory)
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(old + line.encode("utf-8") + b"\n")
                    f.flush()
                    os.fsync(f.fileno())
                os.replace(tmp, path)
            except BaseException:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(tmp)
                raise
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return line


# ---------------------------------------------------------------------------------------------------
# The model, the method and the loss (torch, sentence-transformers, PEFT).

def load_config(path):
    with open(path, encoding="utf-8") as f:
        config = json.load(f)
    if config.get("format") != FORMAT:
        raise RunError("%s: expected format %s, got %r" % (path, FORMAT, config.get("format")))
    return config


def build_model(config, model_path, device):
    """SentenceTransformer = the decoder (max 75 tokens, pad = EOS on the right) + mean pooling, with the
    recipe's method applied: which tensors train, and the PEFT LoRA adapters for LoRA."""
    import torch
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Pooling, Transformer

    transformer = Transformer(model_path, max_seq_length=config["maxSeqLength"], model_kwargs={"dtype": torch.float32})
    tokenizer = transformer.tokenizer
    if tokenizer.eos_token is None:
        raise RunError("%s: the tokenizer has no EOS token, and the recipe pads with EOS" % model_path)
    tokenizer.pad_token = tokenizer.eos_token
    tokenizer.padding_side = "right"
    # The paper adds no BOS/EOS: texts are embedded as they tokenize.
    if hasattr(tokenizer, "add_bos_token"):
        tokenizer.add_bos_token = False
    if hasattr(tokenizer, "add_eos_token"):
        tokenizer.add_eos_token = False
    pooling = Pooling(transformer.get_embedding_dimension(), pooling_mode=config["pooling"])
    model = SentenceTransformer(modules=[transformer, pooling], device=str(device))
    apply_method(model, config)
    return model


def decoder_of(model):
    return model[0].model


def apply_method(model, config):
    method = config["method"]
    names = config["modules"]
    decoder = decoder_of(model)
    if method["kind"] == "lora":
        from peft import LoraConfig

        model.add_adapter(LoraConfig(**config["peft"]))
        # PEFT trains the adapters only; nothing else changes.
        return
    for name, p in decoder.named_parameters():
        p.requires_grad = trainable(name, method, names, config["model"]["numLayers"])


def trainable(name, method, names, num_layers):
    """Whether parameter 'name' (of the bare decoder, HF names) trains under 'method' (repurpose's
    methods: freeze trains the last k blocks and the final norm, embeddings frozen; bias-only trains
    every bias, LayerNorm biases included)."""
    kind = method["kind"]
    if kind == "full":
        return True
    if kind == "bias":
        return name.endswith(".bias") or name == "bias"
    if kind == "freeze":
        if name.startswith(names["embedding"] + "."):
            return False
        prefix = names["layers"] + "."
        if name.startswith(prefix):
            layer = int(name[len(prefix):].split(".", 1)[0])
            return layer >= num_layers - method["trainableBlocks"]
        return True
    raise RunError("unknown method kind %r" % kind)


def make_loss(model, config, world_size, mini_batch):
    """Symmetric InfoNCE at scale 40 with in-batch negatives gathered from every process: sentence-
    transformers' MultipleNegativesRankingLoss with directions query_to_doc + doc_to_query and one softmax
    per direction computes (CE(S, diag) + CE(S^T, diag)) / 2, which is repurpose's loss. The cached
    (GradCache) variant computes the same loss in mini-batches of 'mini_batch' pairs."""
    from sentence_transformers.sentence_transformer import losses

    common = dict(
        scale=config["loss"]["scale"],
        directions=("query_to_doc", "doc_to_query"),
        partition_mode="per_direction",
        gather_across_devices=world_size > 1,
    )
    if mini_batch:
        return losses.CachedMultipleNegativesRankingLoss(model, mini_batch_size=mini_batch, **common)
    return losses.MultipleNegativesRankingLoss(model, **common)


def features(model, texts, device):
    batch = model.preprocess(list(texts))
    return {k: (v.to(device) if hasattr(v, "to") else v) for k, v in batch.items()}


def batch_loss(model, loss_fn, pairs, device):
    queries = [q for q, _ in pairs]
    positives = [p for _, p in pairs]
    return loss_fn([features(model, queries, device), features(model, positives, device)], None)


def embed(model, texts, device, chunk):
    import torch

    out = []
    for i in range(0, len(texts), chunk):
        out.append(model(features(model, texts[i:i + chunk], device))["sentence_embedding"].float())
    return torch.cat(out) if out else torch.zeros(0)


def held_out_loss(model, eval_loss, pairs, batch, rank, world, device, chunk, autocast):
    """Mean symmetric InfoNCE over the held-out pairs in whole batches of 'batch' pairs (the loss
    depends on the batch size, ln B at chance, so the training batch is used where there are enough)."""
    import torch
    import torch.distributed as dist

    losses_seen = []
    local = batch // world
    model.eval()
    with torch.no_grad(), autocast():
        for start in range(0, len(pairs) - batch + 1, batch):
            mine = pairs[start + rank * local: start + (rank + 1) * local]
            q = embed(model, [a for a, _ in mine], device, chunk)
            p = embed(model, [b for _, b in mine], device, chunk)
            value = eval_loss.compute_loss_from_embeddings([q, p], None).detach().double()
            if world > 1:
                dist.all_reduce(value)
                value /= world
            losses_seen.append(value.item())
    model.train()
    return sum(losses_seen) / len(losses_seen), len(losses_seen)


def all_reduce_gradients(params, world):
    """Averages gradients over processes after the whole step's backward passes (the cached loss runs
    one per mini-batch, which DDP's per-backward hooks do not expect); flattened into one buffer per
    dtype so it is one collective, not one per tensor."""
    import torch
    import torch.distributed as dist

    grads = [p.grad for p in params if p.grad is not None]
    by_dtype = {}
    for g in grads:
        by_dtype.setdefault(g.dtype, []).append(g)
    for group in by_dtype.values():
        flat = torch.cat([g.reshape(-1) for g in group])
        dist.all_reduce(flat)
        flat /= world
        offset = 0
        for g in group:
            n = g.numel()
            g.copy_(flat[offset:offset + n].view_as(g))
            offset += n


def broadcast_parameters(params):
    import torch.distributed as dist

    for p in params:
        dist.broadcast(p.data, src=0)


# ---------------------------------------------------------------------------------------------------

def parse_args(argv):
    here = os.path.dirname(os.path.abspath(__file__))
    p = argparse.ArgumentParser(description="Train with a repurpose recipe (see the module docstring).")
    p.add_argument("--config", default=os.path.join(here, "recipe.json"), help="the recipe run config (default: recipe.json beside this script)")
    p.add_argument("--model", help="HF model id or local folder (overrides the config's model.path)")
    p.add_argument("--train", help="training pairs: BGE JSONL, JSONL or TSV (overrides data.train)")
    p.add_argument("--held-out", help="held-out pairs (overrides data.heldOut); without one, the pairs after the training pairs in --train are held out")
    p.add_argument("--held-out-pairs", type=int, help="held-out pairs to evaluate (overrides data.heldOutPairs)")
    p.add_argument("--pairs", type=int, help="train on this many pairs instead of the recipe's (a smoke test); steps and schedule follow, and the ledger records what ran")
    p.add_argument("--peak-lr", type=float, help="peak learning rate (overrides schedule.peakLearningRate)")
    p.add_argument("--mini-batch", type=int, help="pairs per GradCache mini-batch (the cached loss; 0 = off; overrides loss.cachedMiniBatch)")
    p.add_argument("--ledger", help="the run ledger to append to (overrides ledger.path)")
    p.add_argument("--output-dir", help="where the trained model is saved (overrides output.dir)")
    p.add_argument("--no-save", action="store_true", help="do not save the trained model")
    p.add_argument("--precision", choices=["auto", "fp32", "bf16", "fp16"], help="autocast dtype (overrides precision)")
    p.add_argument("--seed", type=int, help="seed for the data shuffle (overrides seed)")
    p.add_argument("--no-shuffle", action="store_true", help="train on the pairs in file order (overrides shuffle)")
    p.add_argument("--dry-run", action="store_true", help="print the resolved run and exit")
    return p.parse_args(argv)


def resolve(config, args, config_path):
    base = os.path.dirname(os.path.abspath(config_path))

    def path_of(value):
        return value if value is None or os.path.isabs(value) else os.path.join(base, value)

    run = {
        "model": args.model or config["model"]["path"],
        "train": os.path.abspath(args.train) if args.train else path_of(config["data"]["train"]),
        "heldOut": os.path.abspath(args.held_out) if args.held_out else path_of(config["data"].get("heldOut")),
        "heldOutPairs": args.held_out_pairs if args.held_out_pairs is not None else config["data"]["heldOutPairs"],
        "pairs": args.pairs if args.pairs is not None else config["pairs"],
        "batch": config["batchSize"],
        "peak": args.peak_lr if args.peak_lr is not None else config["schedule"]["peakLearningRate"],
        "warmupFraction": config["schedule"]["warmupFraction"],
        "miniBatch": (args.mini_batch if args.mini_batch is not None else config["loss"].get("cachedMiniBatch")) or None,
        "ledger": os.path.abspath(args.ledger) if args.ledger else path_of(config["ledger"]["path"]),
        "outputDir": os.path.abspath(args.output_dir) if args.output_dir else path_of(config["output"]["dir"]),
        "save": not args.no_save and config["output"].get("save", True),
        "precision": args.precision or config["precision"],
        "seed": args.seed if args.seed is not None else config["seed"],
        "shuffle": not args.no_shuffle and config.get("shuffle", True),
    }
    if os.path.isdir(path_of(run["model"]) or "") and not os.path.isabs(run["model"]):
        run["model"] = path_of(run["model"])
    if not run["train"]:
        raise RunError("no training pairs: pass --train FILE or set data.train in the config")
    for key in ("pairs", "heldOutPairs", "batch"):
        if not isinstance(run[key], int) or run[key] < 1:
            raise RunError("%s: expected an integer >= 1, got %r" % (key, run[key]))
    if run["pairs"] < run["batch"] and args.pairs is None:
        raise RunError("the recipe's pairs (%d) are fewer than one batch (%d)" % (run["pairs"], run["batch"]))
    run["batch"] = min(run["batch"], run["pairs"])
    run["steps"] = -(-run["pairs"] // run["batch"])
    if args.pairs is None and run["steps"] != config["steps"]:
        raise RunError("the config's steps (%r) are not ceil(pairs / batchSize) = %d; regenerate it with repurpose export-recipe" % (config["steps"], run["steps"]))
    return run


def main(argv=None):
    started = time.time()
    args = parse_args(sys.argv[1:] if argv is None else argv)
    config = load_config(args.config)
    run = resolve(config, args, args.config)
    world = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    local_rank = int(os.environ.get("LOCAL_RANK", "0"))
    if run["batch"] % world != 0:
        raise RunError("the global batch of %d pairs does not split evenly over %d processes; use a process count that divides it" % (run["batch"], world))
    if run["miniBatch"] is not None and run["miniBatch"] < 1:
        raise RunError("--mini-batch: expected an integer >= 1 or 0 (off), got %r" % run["miniBatch"])

    needed = run["pairs"] + (0 if run["heldOut"] else run["heldOutPairs"])
    train_pairs = read_pairs(run["train"], limit=needed)
    if run["heldOut"]:
        held_out = read_pairs(run["heldOut"], limit=run["heldOutPairs"])
    else:
        held_out = train_pairs[run["pairs"]:]
        train_pairs = train_pairs[:run["pairs"]]
    if len(train_pairs) < run["pairs"]:
        raise RunError("%s has %d pairs; the run needs %d (pass --pairs to train on fewer; the ledger records what ran)" % (run["train"], len(train_pairs), run["pairs"]))
    if len(held_out) < world:
        raise RunError("%d held-out pairs; need at least one per process (%d): pass --held-out FILE" % (len(held_out), world))
    eval_batch = min(run["batch"], len(held_out)) // world * world

    if args.dry_run:
        if rank == 0:
            print(json.dumps({"run": run, "world": world, "warmupSteps": warmup_steps(run["steps"], run["warmupFraction"]), "evalBatch": eval_batch}, indent=2))
        return 0

    import torch
    import torch.distributed as dist

    if world > 1:
        backend = "nccl" if torch.cuda.is_available() else "gloo"
        dist.init_process_group(backend=backend)
    if torch.cuda.is_available():
        torch.cuda.set_device(local_rank)
        device = torch.device("cuda", local_rank)
    else:
        device = torch.device("cpu")

    precision = run["precision"]
    if precision == "auto":
        precision = "bf16" if device.type == "cuda" and torch.cuda.is_bf16_supported() else "fp32"
    amp_dtype = {"bf16": torch.bfloat16, "fp16": torch.float16}.get(precision)

    def autocast():
        if amp_dtype is None:
            return contextlib.nullcontext()
        return torch.autocast(device_type=device.type, dtype=amp_dtype)

    torch.manual_seed(config["seed"])
    model = build_model(config, run["model"], device)
    if config.get("gradientCheckpointing") and device.type == "cuda":
        decoder_of(model).gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
    model.train()
    params = [p for p in model.parameters() if p.requires_grad]
    if not params:
        raise RunError("the method trains no parameter of this model")
    if world > 1:
        # LoRA's A is drawn at random on each process: start every process from rank 0's values.
        broadcast_parameters(params)

    loss_fn = make_loss(model, config, world, run["miniBatch"])
    eval_loss = make_loss(model, config, world, None)
    opt = config["optimizer"]
    optimizer = torch.optim.AdamW(params, lr=run["peak"], betas=tuple(opt["betas"]), eps=opt["eps"], weight_decay=opt["weightDecay"])
    steps = run["steps"]
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda i: learning_rate(min(i, steps - 1), steps, run["peak"], run["warmupFraction"]) / run["peak"])

    order = list(range(len(train_pairs)))
    if run["shuffle"]:
        random.Random(run["seed"]).shuffle(order)
    local = run["batch"] // world
    pairs_trained = 0
    last_loss = None
    log_every = max(1, steps // 100)
    for step in range(steps):
        chunk = order[step * run["batch"]:(step + 1) * run["batch"]]
        per_rank = len(chunk) // world
        if per_rank == 0:
            break
        # A last partial batch is split evenly: at most world - 1 pairs are left out, and counted as not trained.
        mine = [train_pairs[i] for i in chunk[rank * per_rank:(rank + 1) * per_rank]]
        optimizer.zero_grad(set_to_none=True)
        with autocast():
            loss = batch_loss(model, loss_fn, mine, device)
            loss.backward()
        if world > 1:
            all_reduce_gradients(params, world)
        optimizer.step()
        scheduler.step()
        pairs_trained += per_rank * world
        value = loss.detach().double()
        if world > 1:
            dist.all_reduce(value)
            value /= world
        last_loss = value.item()
        if not math.isfinite(last_loss):
            raise RunError("the training loss is %r at step %d: the run diverged; nothing is written to the ledger" % (last_loss, step))
        if rank == 0 and (step % log_every == 0 or step == steps - 1):
            print(json.dumps({"step": step, "loss": last_loss, "lr": learning_rate(step, steps, run["peak"], run["warmupFraction"]), "pairs": pairs_trained}), flush=True)

    heldout, batches = held_out_loss(model, eval_loss, held_out, eval_batch, rank, world, device, min(local, 256), autocast)
    if not (math.isfinite(heldout) and heldout > 0):
        raise RunError("the held-out loss is %r; nothing is written to the ledger" % heldout)

    if rank == 0:
        if run["save"]:
            model.save(run["outputDir"])
        seconds = time.time() - started
        import sentence_transformers
        gpu = torch.cuda.get_device_name(device) if device.type == "cuda" else "cpu"
        ledger = config["ledger"]
        record = {
            **({"id": ledger["id"]} if ledger.get("id") else {}),
            "model": ledger["model"],
            "method": config["method"],
            "pairs": pairs_trained,
            "loss": heldout,
            "lossKind": "held-out",
            **({"budget": ledger["budget"]} if ledger.get("budget") else {}),
            "seconds": seconds,
            "hardware": {"gpu": gpu, "count": world},
            "provenance": {
                "engine": "sentence-transformers " + sentence_transformers.__version__ + ", torch " + torch.__version__,
                "script": FORMAT,
                "steps": steps,
                "batchSize": run["batch"],
                "peakLearningRate": run["peak"],
                "heldOutPairs": batches * eval_batch,
                "heldOutBatch": eval_batch,
                "finalTrainLoss": last_loss,
                "trainableParameters": sum(p.numel() for p in params),
                "precision": precision,
                "data": file_digest(run["train"])[:16],
                "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            },
        }
        line = append_ledger_line(run["ledger"], record)
        print(json.dumps({"ledger": run["ledger"], "line": json.loads(line)}), flush=True)
    if world > 1:
        dist.barrier()
        dist.destroy_process_group()
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except RunError as e:
        print("train.py: %s" % e, file=sys.stderr)
        sys.exit(2)
`;

/** train.py for `config`: the template with the recipe's summary as comment lines at the top. */
export function trainScript(config: RecipeRunConfig): string {
  const lines = recipeSummary(config).map((l) => `# ${l.replace(/[\r\n\u2028\u2029]+/g, ' ')}`);
  return TRAIN_SCRIPT_TEMPLATE.replace(RECIPE_MARKER, lines.join('\n'));
}

function recipeSummary(c: RecipeRunConfig): string[] {
  const m = c.method;
  const method = m.kind === 'lora' ? `LoRA r=${m.rank} alpha=${c.peft?.lora_alpha} on ${c.peft?.target_modules.join(', ')}` : m.kind === 'freeze' ? `block freezing: last ${m.trainableBlocks} of ${c.model.numLayers} blocks train` : m.kind === 'bias' ? 'bias-only' : 'full fine-tuning';
  const budget = c.recipe.budgetFlop !== null ? `budget ${c.recipe.budgetFlop.toExponential(3)} FLOP` : 'no budget recorded';
  return [
    `Recipe: ${c.model.name} (${c.model.path}), ${method}`,
    `        ${c.pairs} pairs in ${c.steps} steps of ${c.batchSize}; ${budget}${c.recipe.law ? `, law ${c.recipe.law}` : ''}`,
    `        loss: symmetric InfoNCE, scale ${c.loss.scale}${c.loss.cachedMiniBatch ? `, GradCache mini-batches of ${c.loss.cachedMiniBatch}` : ''} (${c.loss.why})`,
  ];
}
