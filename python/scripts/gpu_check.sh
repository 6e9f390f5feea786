#!/usr/bin/env bash
# The prepared GPU check (docs/gpu.md): python/scripts/gpu_check.sh OUT_DIR [DEVICE] [STEPS]
# Trains the conditional MNIST U-Net DDPM and the convolutional CDM with the PyTorch twins for STEPS steps each
# (default 1000) on DEVICE (default cuda), prints their speed, and writes the .nlab files and a guided sample grid
# (w = 2) into OUT_DIR. Reads the MNIST test set from python/.data/mnist when it is there, else the images shipped
# with the lab. Needs only Python with PyTorch and numpy; about 5 minutes on one H100-class GPU.
set -euo pipefail
OUT="${1:?usage: gpu_check.sh OUT_DIR [DEVICE] [STEPS]}"
DEVICE="${2:-cuda}"
STEPS="${3:-1000}"
PY="${NOISELAB_PYTHON:-python3}"
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
DATA=()
if [ -f .data/mnist/t10k-images-idx3-ubyte.gz ]; then DATA=(--data .data/mnist); fi
"$PY" - "$DEVICE" <<'PYEOF'
import sys, torch
print(f"torch {torch.__version__}, CUDA {torch.version.cuda}, devices {torch.cuda.device_count()}"
      + (f", {torch.cuda.get_device_name(0)}" if torch.cuda.is_available() else ""))
if sys.argv[1].startswith("cuda") and not torch.cuda.is_available():
    sys.exit("gpu_check: --device cuda asked for, but this PyTorch sees no CUDA device")
PYEOF
summary() {  # the trainer's last line: steps per second and the final step
  tail -n 1 "$1/progress.jsonl" | "$PY" -c '
import json, sys
d = json.loads(sys.stdin.read())
print("%s: %s at step %d, %.2f steps/s, %.1f s" % (sys.argv[1], d.get("status"), d.get("step", 0),
      d.get("stepsPerSecond", 0), d.get("seconds", 0)))' "$2"
}
"$PY" -m noiselab_torch.train --dataset mnist ${DATA[@]+"${DATA[@]}"} --conditional --steps "$STEPS" \
  --device "$DEVICE" --out "$OUT/ddpm" --log-every 100 --save-every "$STEPS" > "$OUT/ddpm.log"
summary "$OUT/ddpm" "conditional U-Net DDPM (batch 64)"
"$PY" -m noiselab_torch.train --dataset mnist ${DATA[@]+"${DATA[@]}"} --objective cdm --steps "$STEPS" \
  --device "$DEVICE" --out "$OUT/cdm" --log-every 100 --save-every "$STEPS" > "$OUT/cdm.log"
summary "$OUT/cdm" "convolutional CDM (batch 64, exact double backprop)"
LAST="$(ls "$OUT"/ddpm/step-*.nlab | sort | tail -n 1)"
"$PY" -m noiselab_torch.grid --checkpoint "$LAST" --guidance 2 --steps 50 --device "$DEVICE" --out "$OUT/ddpm-w2.png"
ls -l "$OUT"/ddpm/*.nlab "$OUT"/cdm/*.nlab "$OUT/ddpm-w2.png"
