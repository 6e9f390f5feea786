"""Training on CPU, one GPU or many: ``python3 -m noiselab_torch.train --dataset NAME --steps N --out RUN_DIR``.

The same models, objectives, optimiser, schedules and data as the engine (the twins), at PyTorch's speed: CUDA when
present (``--device auto``), data-parallel over several GPUs or processes under ``torchrun --nproc_per_node N`` (each
process draws its share of the batch, and the flat gradient is averaged with one all-reduce per step, which also
holds for the CDM's double back-propagation, where DistributedDataParallel's hooks do not apply), optional bf16
autocast. Every
``--save-every`` steps and at the end, rank 0 writes ``RUN_DIR/step-NNNNNNNN.nlab``, a checkpoint the lab opens, and
rewrites ``RUN_DIR/run.json`` (status, step, device, world size); progress goes to stdout as JSON lines (and to
``RUN_DIR/progress.jsonl``). Interrupted (Ctrl+C, SIGTERM), it saves the step reached and marks the run cancelled; a
non-finite loss or gradient stops it as failed, keeping the last checkpoint written.
"""

import argparse
import datetime
import json
import math
import os
import signal
import sys
import time

import numpy as np
import torch

from . import __version__, checkpoint, data, init, models, objectives, optim, schedule

MASK = (1 << 64) - 1
GOLDEN_GAMMA = 0x9E3779B97F4A7C15
IMAGE_CE_WEIGHT_PER_VALUE = 0.001
LOG_SECONDS = 2.0  # the longest gap between progress lines by default, so a follower sees a long run move


def _signed(v):
    return v - (1 << 64) if v >= 1 << 63 else v


def run_seeds(master):
    """The engine's ``RunSeeds.from(master)``: four longs from Java's ``SplittableRandom(master)``, so the same
    ``--seed`` names the same data, init, train and sample seeds on both sides."""
    def mix64(z):
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)
    seed = master & MASK
    out = []
    for _ in range(4):
        seed = (seed + GOLDEN_GAMMA) & MASK
        out.append(_signed(mix64(seed)))
    return dict(zip(("data", "init", "train", "sample"), out))


def parse_args(argv):
    p = argparse.ArgumentParser(prog="python3 -m noiselab_torch.train", description=__doc__.split("\n\n")[0])
    p.add_argument("--dataset", required=True, help="a toy (see toys.json) or mnist, cifar10, png")
    p.add_argument("--data", help="image files: the MNIST folder or file, the CIFAR-10 folder, the PNG folder "
                                   "(mnist without --data: the 1000 images shipped with the lab)")
    p.add_argument("--channels", type=int, default=1, help="png: 1 (grey) or 3 (RGB) (default 1)")
    p.add_argument("--held-out", type=int, default=0, help="images: keep the last N images out of training, as the "
                                                            "lab's --held-out does (default 0)")
    p.add_argument("--out", required=True, help="the run folder to write")
    p.add_argument("--objective", default="ddpm", choices=objectives.ObjectiveSpec.KINDS)
    p.add_argument("--steps", type=int, help="optimiser steps (default: 20000 for toys, 4000 for images)")
    p.add_argument("--batch", type=int, help="global batch size (default: 512 for toys, 64 for images)")
    p.add_argument("--lr", type=float, help="peak learning rate (default: 1e-3 for toys, 5e-4 for images)")
    p.add_argument("--warmup", type=int, help="warm-up steps (default: 500 for toys, 200 for images)")
    p.add_argument("--lr-schedule", default="cosine", choices=("cosine", "constant"))
    p.add_argument("--weight-decay", type=float, default=0.0)
    p.add_argument("--clip", type=float, default=1.0, help="gradient-norm clip, 0 = off (default 1)")
    p.add_argument("--ema", type=float, default=0.999, help="EMA decay (default 0.999)")
    p.add_argument("--conditional", action="store_true", help="condition on the dataset's classes")
    p.add_argument("--p-uncond", type=float, default=0.1, help="label dropout for guidance (default 0.1)")
    p.add_argument("--width", type=int, default=128, help="toy models: hidden units (default 128)")
    p.add_argument("--depth", type=int, default=3, help="toy models: hidden layers (default 3)")
    p.add_argument("--activation", default="silu", choices=("relu", "silu", "gelu", "tanh"))
    p.add_argument("--base-channels", type=int, default=32, help="image models: base channels (default 32)")
    p.add_argument("--schedule", default="linear", choices=("linear", "cosine", "uniform"))
    p.add_argument("--timesteps", type=int, default=1000, help="diffusion steps T (default 1000)")
    p.add_argument("--cdl-weight", type=float, default=1.0)
    p.add_argument("--cdl-samples", type=int, default=2)
    p.add_argument("--cdl-points", type=int, default=0)
    p.add_argument("--ce-weight", type=float, help="cdm: cross-entropy weight (default: 0.01, images 0.001 x dim)")
    p.add_argument("--mse-weight", type=float, default=1.0)
    p.add_argument("--seed", type=int, default=0, help="master seed (default 0)")
    p.add_argument("--device", default="auto", help="auto (CUDA when present), cpu, cuda or cuda:N")
    p.add_argument("--bf16", action="store_true", help="bf16 autocast for the network on CUDA")
    p.add_argument("--save-every", type=int, default=0, help="checkpoint interval (default: 10 per run)")
    p.add_argument("--log-every", type=int, default=0, help="progress interval in steps (default: 50 lines per run, "
                                                                "and at least one every 2 seconds)")
    p.add_argument("--threads", type=int, default=0, help="CPU threads for PyTorch (default: PyTorch's)")
    p.add_argument("--resume", help="a .nlab checkpoint (the lab's or this trainer's) to continue: its model, "
                                    "schedule, objective, optimiser moments, EMA and loss history; --steps is then "
                                    "the new total (default: the file's own budget)")
    return p.parse_args(argv)


def _fail(message):
    raise ValueError(message)


def _unet_levels(height, width):
    levels = 3
    while levels > 1 and (height % (1 << (levels - 1)) or width % (1 << (levels - 1))):
        levels -= 1
    return levels


def build_setup(args, dataset, world):
    """The manifest's setup sections for these options, with the engine's defaults for toys and images."""
    image = isinstance(dataset, data.ImageData)
    steps = args.steps if args.steps is not None else 4000 if image else 20000
    batch = args.batch if args.batch is not None else 64 if image else 512
    lr = args.lr if args.lr is not None else 5e-4 if image else 1e-3
    warmup = args.warmup if args.warmup is not None else 200 if image else 500
    if steps < 1 or steps > 100_000_000:
        _fail(f"--steps: {steps} must be between 1 and 100000000")
    if batch < 1 or batch % world:
        _fail(f"--batch: {batch} must be positive and a multiple of the {world} processes")
    if args.conditional and dataset.class_count == 0:
        _fail(f"--conditional: {args.dataset} has no classes")
    classes = dataset.class_count if args.conditional else 0
    T = args.timesteps
    if args.objective == "cdm":
        ce = args.ce_weight if args.ce_weight is not None else \
            IMAGE_CE_WEIGHT_PER_VALUE * dataset.dim if image else 0.01
        objective = {"kind": "cdm", "ceWeight": float(ce), "mseWeight": float(args.mse_weight)}
    elif args.objective in ("cdl", "ddpm+cdl"):
        objective = {"kind": args.objective, "cdlWeight": float(args.cdl_weight), "cdlSamples": args.cdl_samples,
                     "cdlPoints": args.cdl_points}
    else:
        objective = {"kind": args.objective}
    if image:
        base = {"channels": dataset.channels, "height": dataset.height, "width": dataset.width,
                "baseChannels": args.base_channels}
        levels = _unet_levels(dataset.height, dataset.width)
        model = ({"kind": "classifier-unet", **base, "resolutions": levels, "levels": T + 2, "classCount": classes}
                 if args.objective == "cdm" else {"kind": "unet", **base, "levels": levels, "classCount": classes})
        name = args.dataset if args.data is None else f"{args.dataset}:{os.path.basename(os.path.normpath(args.data))}"
        data_section = {"name": name + (f"[0:{dataset.count}]" if args.held_out else ""), "dim": dataset.dim}
    else:
        common = {"dim": dataset.dim, "width": args.width, "depth": args.depth, "activation": args.activation,
                  "inputFrequencies": 32, "inputScale": 16.0}
        model = ({"kind": "classifier-mlp", **common, "levels": T + 2, "classCount": classes}
                 if args.objective == "cdm" else
                 {"kind": "mlp", **common, "noiseFrequencies": 32, "noiseScale": 1.0, "classCount": classes})
        data_section = {"name": dataset.name, "dim": dataset.dim, "classes": dataset.class_count,
                        "description": dataset.description}
    sched = schedule.parse(args.schedule, T)
    training = {
        "steps": steps, "batchSize": batch,
        "learningRate": {"peak": float(lr), "warmupSteps": warmup, "cosine": args.lr_schedule == "cosine",
                         "finalFraction": 0.05 if args.lr_schedule == "cosine" else 1.0},
        "optimizer": {"kind": "adamw", "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8,
                      "weightDecay": float(args.weight_decay), "clipNorm": float(args.clip)},
        "emaDecay": float(args.ema), "labelDropout": float(args.p_uncond)}
    return {"dataset": data_section, "model": model, "schedule": sched.to_manifest(), "objective": objective,
            "training": training, "seeds": run_seeds(args.seed)}


class Run:
    """The run folder: atomic checkpoints and status, and the progress lines (rank 0 only)."""

    def __init__(self, directory, active):
        self.directory = directory
        self.active = active
        self.status = {}
        if active:
            os.makedirs(directory, exist_ok=True)

    def emit(self, event, **fields):
        if not self.active:
            return
        line = json.dumps({"event": event, **fields})
        print(line, flush=True)
        with open(os.path.join(self.directory, "progress.jsonl"), "a", encoding="utf-8") as f:
            f.write(line + "\n")

    def update(self, **fields):
        if not self.active:
            return
        self.status.update(fields, updated=_now())
        checkpoint._atomic_write(os.path.join(self.directory, "run.json"),
                                 json.dumps(self.status, indent=2).encode("utf-8"))


def _now():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _device(choice, local_rank):
    if choice == "auto":
        return torch.device(f"cuda:{local_rank}" if torch.cuda.is_available() else "cpu")
    device = torch.device(choice)
    if device.type == "cuda":
        if not torch.cuda.is_available():
            _fail("--device cuda: this PyTorch sees no CUDA device (torch.cuda.is_available() is False)")
        if device.index is None:
            device = torch.device(f"cuda:{local_rank}")
    return device


def _move(obj, device, seen=None):
    """Moves every tensor held by a loss object (and the objects it holds) to ``device``, in place."""
    seen = seen if seen is not None else set()
    if id(obj) in seen or not hasattr(obj, "__dict__"):
        return obj
    seen.add(id(obj))
    for name, value in vars(obj).items():
        if isinstance(value, torch.Tensor):
            setattr(obj, name, value.to(device))
        elif type(value).__module__.startswith("noiselab_torch"):
            _move(value, device, seen)
    return obj


def _draws_to(draws, device):
    for name, value in vars(draws).items():
        if isinstance(value, torch.Tensor):
            setattr(draws, name, value.to(device))
    return draws


def _flat_grads(params):
    return torch.cat([(p.grad if p.grad is not None else torch.zeros_like(p)).reshape(-1) for p in params])


def _assign(params, flat):
    at = 0
    with torch.no_grad():
        for p in params:
            n = p.numel()
            p.copy_(flat[at:at + n].view_as(p))
            at += n


def _flat(model, named):
    """The flat vector (in the model's parameter order) of named tensors shaped as the model's."""
    return torch.cat([torch.from_numpy(np.ascontiguousarray(named[k], dtype=np.float32)).reshape(-1)
                      for k in models.weights_of(model)])


def _without_held_out(dataset, held_out):
    """The images but the last ``held_out`` (the lab's ``--held-out``: evaluation images never trained on)."""
    if not isinstance(dataset, data.ImageData):
        _fail("--held-out: only image datasets hold images out")
    if not 0 <= held_out < dataset.count:
        _fail(f"--held-out = {held_out}: must lie in 0..{dataset.count - 1} (the set has {dataset.count} images)")
    keep = dataset.count - held_out
    labels = None if dataset.labels is None else dataset.labels[:keep].numpy()
    kept = data.ImageData(f"{dataset.name}[0:{keep}]", dataset.pixels[:keep].numpy(), labels, dataset.class_names)
    return kept


def _resumed_setup(args, dataset, ckpt):
    """The checkpoint's setup, with ``--steps`` as the new total; refuses a dataset the model cannot have seen."""
    m = ckpt.manifest
    setup = {k: m[k] for k in ("dataset", "model", "schedule", "objective", "training", "seeds")}
    model = setup["model"]
    dim = model["dim"] if "dim" in model else model["channels"] * model["height"] * model["width"]
    if dim != dataset.dim:
        _fail(f"--resume: the model was trained on {dim}-dimensional data, "
              f"--dataset {args.dataset} has dimension {dataset.dim}")
    classes = setup["model"].get("classCount", 0)
    if classes > 0 and dataset.class_count != classes:
        _fail(f"--resume: the model is conditional on {classes} classes, --dataset {args.dataset} has "
              f"{dataset.class_count}")
    steps = args.steps if args.steps is not None else setup["training"]["steps"]
    if steps <= ckpt.step or steps > 100_000_000:
        _fail(f"--steps: {steps} must exceed the checkpoint's step {ckpt.step} (it is the new total)")
    setup["training"] = dict(setup["training"], steps=steps)
    return setup


def _tensors(kind, model, flat_values):
    """Named float32 numpy tensors of the model with the given flat values (in the model's parameter order)."""
    like = models.weights_of(model)
    out, at = {}, 0
    for name, v in like.items():
        out[name] = flat_values[at:at + v.size].reshape(v.shape).astype(np.float32)
        at += v.size
    return out


class Stepper:
    """One optimiser step of the trainer, as the engine's training session takes it: draw the rows (this process's
    share of the global batch) and the objective's noise, the loss and its gradient (averaged over the processes
    with one all-reduce), then AdamW and the EMA on the flat parameter vector, copied back into the model."""

    def __init__(self, model, loss_fn, adam, ema, rates, steps, dataset, per_rank, classes, label_dropout, device,
                 world=1, bf16=False, step_generator=None, data_generator=None):
        self.model, self.loss_fn, self.adam, self.ema, self.rates = model, loss_fn, adam, ema, rates
        self.steps, self.dataset, self.per_rank, self.classes = steps, dataset, per_rank, classes
        self.label_dropout, self.device, self.world, self.bf16 = label_dropout, device, world, bf16
        self.step_generator = step_generator if step_generator is not None else torch.Generator().manual_seed(1)
        self.data_generator = data_generator if data_generator is not None else torch.Generator().manual_seed(2)
        self.params = list(model.parameters())
        self.flat = torch.cat([p.detach().reshape(-1) for p in self.params]).to(device)

    def step(self):
        """Takes one step; returns the loss (the processes' mean), not finite when the step was not taken.

        Raises ``optim.NonFiniteGradient`` (nothing changed) for a non-finite gradient norm."""
        n, device = self.per_rank, self.device
        x0, labels = self.dataset.sample(n, self.data_generator)
        labels = labels if self.classes > 0 else None
        if labels is not None:
            labels = objectives.drop_labels(labels, self.classes, self.label_dropout,
                                            torch.rand(n, generator=self.step_generator, dtype=torch.float64))
        x0 = x0.reshape(n, -1)
        b = objectives.TrainingBatch(x0.to(device), None if labels is None else labels.to(device))
        draws = _draws_to(self.loss_fn.draw(objectives.TrainingBatch(x0, labels), self.step_generator), device)
        for p in self.params:
            p.grad = None
        autocast = self.bf16 and device.type == "cuda"
        with torch.autocast(device_type=device.type, dtype=torch.bfloat16, enabled=autocast):
            loss = self.loss_fn.loss(self.model, b, draws)
        loss.backward()
        grads = _flat_grads(self.params)
        value = loss.detach()
        if self.world > 1:  # data parallel: every process applies the mean gradient of the global batch
            torch.distributed.all_reduce(grads)
            grads /= self.world
            torch.distributed.all_reduce(value)
            value = value / self.world
        value = float(value)
        if not math.isfinite(value):
            return value
        optim.training_step(self.adam, self.ema, self.rates, self.steps, self.flat, grads)
        _assign(self.params, self.flat)
        return value


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    world = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    local_rank = int(os.environ.get("LOCAL_RANK", "0"))
    run = Run(args.out, rank == 0)
    try:
        return _train(args, world, rank, local_rank, run)
    except (ValueError, OSError, checkpoint.CheckpointFormatError) as e:
        run.emit("error", message=str(e))
        run.update(status="failed", message=str(e))
        print(f"noiselab_torch.train: error: {e}", file=sys.stderr)
        return 2


def _train(args, world, rank, local_rank, run):
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    device = _device(args.device, local_rank)
    if world > 1:
        torch.distributed.init_process_group("nccl" if device.type == "cuda" else "gloo")
    if device.type == "cuda":
        torch.cuda.set_device(device)
    dataset = data.open_dataset(args.dataset, args.data, args.channels)
    if args.held_out:
        dataset = _without_held_out(dataset, args.held_out)
    resumed = checkpoint.load(args.resume) if args.resume else None
    setup = _resumed_setup(args, dataset, resumed) if resumed else build_setup(args, dataset, world)
    training = setup["training"]
    steps, batch = training["steps"], training["batchSize"]
    if batch % world:
        _fail(f"--batch: {batch} must be a multiple of the {world} processes")
    seeds = setup["seeds"]
    generator = torch.Generator().manual_seed((seeds["init"] & MASK) % (1 << 63))
    model = models.build(setup["model"])
    if resumed:
        models.load_weights(model, resumed.weights)
    else:
        init.initialise(model, setup["model"]["kind"], generator)
    if world > 1:  # every process starts from rank 0's weights
        for p in model.parameters():
            torch.distributed.broadcast(p.data, 0)
    setup["model"]["parameterCount"] = sum(p.numel() for p in model.parameters())
    model.to(device)
    params = [p for p in model.parameters()]
    sched = schedule.NoiseSchedule.from_manifest(setup["schedule"])
    loss_fn = _move(objectives.create(setup["objective"], sched, dataset.variances(), batch), device)
    adam = optim.AdamW(optim.AdamWSpec.from_manifest(training["optimizer"]), setup["model"]["parameterCount"])
    kind = setup["model"]["kind"]
    if resumed:
        like = models.weights_of(model)
        for name in ("m", "v"):
            moments = models.from_engine_order(kind, resumed.training[f"adam.{name}"], like)
            setattr(adam, name, _flat(model, moments).to(getattr(adam, name).dtype))
        adam.steps = resumed.step
    adam.m, adam.v = adam.m.to(device), adam.v.to(device)
    rates = optim.LearningRateSchedule.from_manifest(training["learningRate"])
    flat = torch.cat([p.detach().reshape(-1) for p in params]).to(device)
    ema = optim.ExponentialMovingAverage(training["emaDecay"], flat)
    if resumed:
        ema.average = _flat(model, resumed.ema).to(device)
        ema.updates = resumed.step
    classes = setup["model"]["classCount"]
    per_rank = batch // world
    step_generator = torch.Generator().manual_seed(((seeds["train"] ^ (rank * 0x9E3779B9)) & MASK) % (1 << 63))
    data_generator = torch.Generator().manual_seed(((seeds["data"] ^ (rank * 0x9E3779B9)) & MASK) % (1 << 63))
    stepper = Stepper(model, loss_fn, adam, ema, rates, steps, dataset, per_rank, classes, training.get("labelDropout", 0.0),
                      device, world, args.bf16, step_generator, data_generator)
    flat = stepper.flat
    first_step = resumed.step if resumed else 0
    save_every = args.save_every if args.save_every > 0 else max(1, (steps - first_step) // 10)
    log_every = args.log_every if args.log_every > 0 else max(1, (steps - first_step) // 50)
    trainer = {"name": "noiselab_torch", "version": __version__, "torch": torch.__version__, "device": str(device),
               "deviceName": torch.cuda.get_device_name(device) if device.type == "cuda" else "cpu",
               "worldSize": world, "bf16": bool(args.bf16)}
    if resumed:
        trainer["resumedFrom"] = {"file": os.path.basename(args.resume), "step": resumed.step}
    run.update(status="starting", step=first_step, steps=steps, device=device.type, worldSize=world,
               torch=torch.__version__, started=_now(), message="")
    run.emit("start", steps=steps, batch=batch, device=str(device), worldSize=world, torch=torch.__version__,
             parameters=setup["model"]["parameterCount"], model=setup["model"]["kind"])
    stop = {"signal": None}

    def interrupted(signum, _frame):
        stop["signal"] = signal.Signals(signum).name

    signal.signal(signal.SIGTERM, interrupted)
    signal.signal(signal.SIGINT, interrupted)
    losses = [float(v) for v in resumed.training["loss_history"]] if resumed else []
    started = time.monotonic()
    last_log = started
    last_saved = -1

    def save(step):
        nonlocal last_saved
        if rank != 0 or step == last_saved:
            return
        weights = _tensors(None, model, flat.cpu().numpy())
        averaged = _tensors(None, model, ema.average.cpu().numpy())
        kind = setup["model"]["kind"]
        m = models.engine_order(kind, _tensors(None, model, adam.m.cpu().numpy()))
        v = models.engine_order(kind, _tensors(None, model, adam.v.cpu().numpy()))
        manifest = {"format": checkpoint.FORMAT, "formatVersion": checkpoint.FORMAT_VERSION,
                    "engineVersion": f"noiselab_torch {__version__}", "createdAt": _now(), **setup,
                    "step": step, "kernelThreads": 0,
                    "metrics": {"finalLoss": float(np.mean(losses[-100:])) if losses else 0.0},
                    "trainer": trainer}
        manifest["training"] = dict(training, steps=steps)
        path = os.path.join(args.out, f"step-{step:08d}.nlab")
        checkpoint.save(path, manifest, weights, averaged,
                        {"adam.m": m, "adam.v": v, "loss_history": np.asarray(losses, dtype=np.float32)})
        last_saved = step
        run.emit("checkpoint", step=step, path=path)

    step = first_step
    status, message = "finished", ""
    try:
        run.update(status="running")
        while step < steps:
            if stop["signal"]:
                status, message = "cancelled", f"stopped by {stop['signal']} at step {step}"
                break
            try:
                value = stepper.step()
            except optim.NonFiniteGradient as e:
                status, message = "failed", str(e)
                break
            if not math.isfinite(value):
                status, message = "failed", f"the loss is {value} at step {step + 1}"
                break
            step += 1
            losses.append(value)
            now = time.monotonic()
            if step % log_every == 0 or step == steps or (args.log_every <= 0 and now - last_log >= LOG_SECONDS):
                elapsed = now - started
                run.emit("progress", step=step, steps=steps, loss=float(np.mean(losses[-min(log_every, 100):])),
                         stepsPerSecond=(step - first_step) / elapsed if elapsed > 0 else 0.0)
                run.update(status="running", step=step)
                last_log = now
            if step % save_every == 0 and step < steps:
                save(step)
                run.update(status="running", step=step)
    finally:
        save(step) if step > first_step and status != "failed" else None
        elapsed = time.monotonic() - started
        rate = (step - first_step) / elapsed if elapsed > 0 else 0.0
        run.update(status=status, step=step, message=message, stepsPerSecond=rate)
        run.emit("done" if status != "failed" else "error", status=status, step=step, message=message,
                 seconds=elapsed, stepsPerSecond=rate)
        if world > 1:
            torch.distributed.destroy_process_group()
    return 0 if status in ("finished", "cancelled") else 1


if __name__ == "__main__":
    sys.exit(main())
