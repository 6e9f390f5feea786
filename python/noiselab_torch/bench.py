"""The speed peer of ``bin/noiselab bench``: ``python3 -m noiselab_torch.bench --threads T [--repeats R]``.

The engine's benchmarks, run on the PyTorch twins with this interpreter's PyTorch on ``T`` CPU threads, with the same
models, sizes, warm-ups and timed runs (``org.noiselab.engine.bench.BenchSuite``): DDPM training of the 3 x 128 MLP
on dino at batch 256 and 4096, CDM training of the classifier of the same size (exact double backprop), the U-Net and
the convolutional CDM at MNIST's shape (batch 64, random images), DDPM sampling of 1000 and 10,000 points with 1000
steps, and guided DDIM sampling of 2000 points with 50 steps (the twins' guidance, ``sample.guided``). Training is the trainer's own step
(``noiselab_torch.train.Stepper``); sampling runs the reverse process in float32 under ``torch.no_grad`` (the twins'
samplers compute each update in float64 for parity, which is not what a PyTorch user would time). One JSON line per
benchmark: ``{"name", "threads", "unit", "runs", "median", "torch"}``.
"""

import argparse
import json
import math
import statistics
import sys
import time

import torch

from . import data, init, models, objectives, optim, sample, schedule, train


def _session(args_list, dataset):
    """A trainer's stepper for trainer options (the same setup the trainer would build)."""
    args = train.parse_args(args_list + ["--out", "unused"])
    setup = train.build_setup(args, dataset, 1)
    t = setup["training"]
    model = models.build(setup["model"])
    init.initialise(model, setup["model"]["kind"], torch.Generator().manual_seed(3))
    count = sum(p.numel() for p in model.parameters())
    sched = schedule.NoiseSchedule.from_manifest(setup["schedule"])
    loss_fn = objectives.create(setup["objective"], sched, dataset.variances(), t["batchSize"])
    adam = optim.AdamW(optim.AdamWSpec.from_manifest(t["optimizer"]), count)
    flat = torch.cat([p.detach().reshape(-1) for p in model.parameters()])
    ema = optim.ExponentialMovingAverage(t["emaDecay"], flat)
    rates = optim.LearningRateSchedule.from_manifest(t["learningRate"])
    return train.Stepper(model, loss_fn, adam, ema, rates, t["steps"], dataset, t["batchSize"],
                         setup["model"]["classCount"], t.get("labelDropout", 0.0), torch.device("cpu"))


def _time_steps(stepper, warmup, steps, repeats):
    for _ in range(warmup):
        stepper.step()
    runs = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(steps):
            stepper.step()
        runs.append(steps / (time.perf_counter() - start))
    return runs


def _mlp(classes=0):
    spec = {"kind": "mlp", "dim": 2, "width": 128, "depth": 3, "activation": "silu", "inputFrequencies": 32,
            "inputScale": 16.0, "noiseFrequencies": 32, "noiseScale": 1.0, "classCount": classes}
    model = models.build(spec)
    init.initialise(model, "mlp", torch.Generator().manual_seed(3))
    return model.eval()


def _reverse(eps, sched, n, steps, ddim, labels=None, seed=0):
    """The reverse process in float32: DDPM (ancestral) or DDIM (eta 0) on ``steps`` respaced steps."""
    generator = torch.Generator().manual_seed(seed)
    tau = sample.respaced_steps(sched.steps, steps)
    x = torch.randn((n, 2), generator=generator)
    with torch.no_grad():
        for i in range(steps, 0, -1):
            abar, prev = sched.alpha_bar(tau[i]), sched.alpha_bar(tau[i - 1])
            log_snr = torch.full((n,), sched.log_snr(tau[i]), dtype=torch.float32)
            e = eps(x, log_snr, labels)
            if ddim:
                x0 = (x - math.sqrt(1 - abar) * e) / math.sqrt(abar)
                x = math.sqrt(prev) * x0 + math.sqrt(1 - prev) * e
            else:
                beta = 1 - abar / prev
                x = (x - beta / math.sqrt(1 - abar) * e) / math.sqrt(1 - beta)
                if i > 1:
                    x = x + math.sqrt((1 - prev) / (1 - abar) * beta) * torch.randn(x.shape, generator=generator)
    return x


def _time_sampling(run, repeats):
    run(0)
    runs = []
    for r in range(repeats):
        start = time.perf_counter()
        run(r)
        runs.append(time.perf_counter() - start)
    return runs


def benchmarks(repeats, smoke):
    """(name, unit, runs) of every benchmark, in the engine's order."""
    dino = data.open_dataset("dino")
    images = data.ImageData("random-28x28", torch.rand((256, 1, 28, 28), generator=torch.Generator()
                                                       .manual_seed(5)).numpy() * 2 - 1)
    constant = ["--lr", "1e-3", "--lr-schedule", "constant", "--warmup", "0"]
    w256, s256 = (5, 5) if smoke else (300, 400)
    yield "train.batch256", "steps/s", _time_steps(_session(
        ["--dataset", "dino", "--batch", "256", "--steps", "1000000"] + constant, dino), w256, s256, repeats)
    big, (w4k, s4k) = (512, (2, 2)) if smoke else (4096, (20, 25))
    yield f"train.batch{big}", "steps/s", _time_steps(_session(
        ["--dataset", "dino", "--batch", str(big), "--steps", "1000000"] + constant, dino), w4k, s4k, repeats)
    wc, sc = (5, 5) if smoke else (60, 80)
    yield "train.cdm.batch256", "steps/s", _time_steps(_session(
        ["--dataset", "dino", "--objective", "cdm", "--batch", "256", "--steps", "1000000"] + constant, dino),
        wc, sc, repeats)
    base, wi, si = ("8", 1, 1) if smoke else ("32", 3, 5)
    image = ["--batch", "64", "--steps", "1000000", "--base-channels", base, "--lr", "2e-4", "--lr-schedule",
             "constant", "--warmup", "0"]
    yield "train.image.unet.batch64", "steps/s", _time_steps(_session(
        ["--dataset", "mnist"] + image, images), wi, si, repeats)
    yield "train.image.cdm.batch64", "steps/s", _time_steps(_session(
        ["--dataset", "mnist", "--objective", "cdm", "--ce-weight", "0.784"] + image, images), wi, si, repeats)
    sched = schedule.NoiseSchedule.from_manifest({"kind": "linear", "steps": 1000, "betaStart": 1e-4,
                                                  "betaEnd": 0.02})
    net = _mlp()
    steps = 20 if smoke else 1000
    for n in ((100, 200) if smoke else (1000, 10_000)):
        yield f"sample.n{n}", "s", _time_sampling(
            lambda seed, n=n: _reverse(lambda x, l, c: net(x, l), sched, n, steps, False, seed=seed), repeats)
    conditional = _mlp(13)
    guided = sample.guided(conditional, 2.0, 13)
    n = 200 if smoke else 2000
    labels = torch.zeros(n, dtype=torch.int64)
    yield f"sample.guided.n{n}", "s", _time_sampling(
        lambda seed: _reverse(guided, sched, n, 50, True, labels=labels, seed=seed), repeats)


def main(argv=None):
    p = argparse.ArgumentParser(prog="python3 -m noiselab_torch.bench", description=__doc__.split("\n\n")[0])
    p.add_argument("--threads", type=int, required=True, help="PyTorch's CPU threads")
    p.add_argument("--repeats", type=int, default=5, help="timed runs per benchmark (default 5)")
    p.add_argument("--smoke", action="store_true", help="tiny sizes: checks that the suite runs")
    args = p.parse_args(sys.argv[1:] if argv is None else argv)
    if not 1 <= args.threads <= 256 or not 1 <= args.repeats <= 100:
        p.error("--threads must lie in 1..256 and --repeats in 1..100")
    torch.set_num_threads(args.threads)
    for name, unit, runs in benchmarks(args.repeats, args.smoke):
        print(json.dumps({"name": name, "threads": args.threads, "unit": unit, "runs": runs,
                          "median": statistics.median(runs),
                          "torch": torch.__version__}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
