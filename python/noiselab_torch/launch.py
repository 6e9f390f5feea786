"""Data-parallel training on one machine without torchrun: ``python3 -m noiselab_torch.launch --nproc N -- ARGS``.

Starts N processes of ``noiselab_torch.train ARGS`` with the environment ``torchrun`` would give them (``RANK``,
``LOCAL_RANK``, ``WORLD_SIZE``, ``MASTER_ADDR``, ``MASTER_PORT``), forwards Ctrl+C and SIGTERM to them, and exits
with the first non-zero status. ``torchrun --nproc_per_node N -m noiselab_torch.train ARGS`` does the same where
it works (PyTorch 1.13's launcher fails on Python 3.11 before starting any process).
"""

import argparse
import os
import signal
import socket
import subprocess
import sys


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    split = argv.index("--") if "--" in argv else len(argv)
    p = argparse.ArgumentParser(prog="python3 -m noiselab_torch.launch")
    p.add_argument("--nproc", type=int, required=True, help="processes (one per GPU)")
    args = p.parse_args(argv[:split])
    if args.nproc < 1:
        p.error("--nproc must be at least 1")
    port = str(_free_port())
    children = []
    for rank in range(args.nproc):
        env = dict(os.environ, RANK=str(rank), LOCAL_RANK=str(rank), WORLD_SIZE=str(args.nproc),
                   MASTER_ADDR="127.0.0.1", MASTER_PORT=port)
        children.append(subprocess.Popen([sys.executable, "-m", "noiselab_torch.train"] + argv[split + 1:], env=env))

    def forward(signum, _frame):
        for c in children:
            if c.poll() is None:
                c.send_signal(signum)

    signal.signal(signal.SIGINT, forward)
    signal.signal(signal.SIGTERM, forward)
    codes = [c.wait() for c in children]
    return next((c for c in codes if c != 0), 0)


if __name__ == "__main__":
    sys.exit(main())
