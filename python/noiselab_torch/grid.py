"""A grid of samples from an image checkpoint: ``python3 -m noiselab_torch.grid --checkpoint F.nlab --out grid.png``.

DDIM (``eta = 0``) from the checkpoint's EMA weights, on CUDA when present. A conditional model draws one row per
class, guided with weight ``w`` (``eps~ = (1 + w) eps(x, c) - w eps(x, null)``); an unconditional one draws
``--per-class`` rows of ten. The noise comes from ``--seed``. Prints one JSON line with the grid's path, its shape and
the sampling time.
"""

import argparse
import json
import sys
import time

import torch

from . import checkpoint, models, pngwrite, sample, schedule


def parse_args(argv):
    p = argparse.ArgumentParser(prog="python3 -m noiselab_torch.grid", description=__doc__.split("\n\n")[0])
    p.add_argument("--checkpoint", required=True, help="an image model's .nlab file (unet)")
    p.add_argument("--out", required=True, help="the PNG file to write")
    p.add_argument("--per-class", type=int, default=10, help="samples per class (per row of ten unconditional)")
    p.add_argument("--steps", type=int, default=50, help="DDIM steps (default 50)")
    p.add_argument("--guidance", type=float, default=0.0, help="guidance weight w of a conditional model")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--device", default="auto", help="auto (CUDA when present), cpu or cuda")
    return p.parse_args(argv)


def draw(ckpt, per_class, steps, guidance, seed, device):
    """``[n, C, H, W]`` samples on the model's scale (one block of ``per_class`` per class, or ``10 per_class``)."""
    spec = ckpt.model
    if spec.get("kind") != "unet":
        raise ValueError(f"model.kind '{spec.get('kind')}': a sample grid needs an image denoiser (unet)")
    if not 1 <= per_class <= 64:
        raise ValueError(f"--per-class {per_class}: must lie in 1..64")
    net = models.from_checkpoint(ckpt).to(device).eval()
    sched = schedule.NoiseSchedule.from_manifest(ckpt.manifest["schedule"])
    classes = spec.get("classCount", 0)
    n = per_class * (classes if classes > 0 else 10)
    labels = torch.arange(classes).repeat_interleave(per_class) if classes > 0 else None
    generator = torch.Generator().manual_seed(seed)
    dim = spec["channels"] * spec["height"] * spec["width"]
    x = torch.randn((n, dim), generator=generator)

    def eps(x, log_snr, labels):
        with torch.no_grad():
            out = net(x.to(device), log_snr.to(device), None if labels is None else labels.to(device))
        return out.reshape(x.shape[0], -1).cpu()

    eps_fn = sample.guided(eps, guidance, classes) if classes > 0 and guidance > 0 else eps
    trajectory = sample.ddim(eps_fn, sched, x, steps, labels=labels, noise=sample.gaussian_noise(generator))
    return trajectory[-1].reshape(n, spec["channels"], spec["height"], spec["width"]), per_class


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        device = torch.device("cuda" if args.device == "auto" and torch.cuda.is_available()
                              else "cpu" if args.device == "auto" else args.device)
        ckpt = checkpoint.load(args.checkpoint)
        started = time.monotonic()
        images, columns = draw(ckpt, args.per_class, args.steps, args.guidance, args.seed, device)
        seconds = time.monotonic() - started
        pixels = pngwrite.grid(images.numpy(), columns=columns)
        pngwrite.write(args.out, pixels)
    except (ValueError, OSError, checkpoint.CheckpointFormatError) as e:
        print(f"noiselab_torch.grid: error: {e}", file=sys.stderr)
        return 2
    print(json.dumps({"event": "grid", "path": args.out, "samples": int(images.shape[0]), "steps": args.steps,
                      "guidance": args.guidance, "device": str(device), "seconds": seconds}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
