"""The trainer's run folder, --resume (weights, moments, EMA, loss history and step carried over exactly), its
refusals, and the sample-grid command's refusals."""

import contextlib
import io
import json
import os
import tempfile
import unittest

import numpy as np

from noiselab_torch import checkpoint, grid, train

CHECKPOINTS = os.path.join(os.path.dirname(__file__), "..", "..", "assets", "src", "main", "resources", "org",
                           "noiselab", "assets", "checkpoints")


def _quiet(argv):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = train.main(argv)
    return code, out.getvalue(), err.getvalue()


class TrainerTest(unittest.TestCase):

    def test_a_short_run_writes_checkpoints_status_and_progress(self):
        with tempfile.TemporaryDirectory() as d:
            code, out, _ = _quiet(["--dataset", "two-moons", "--steps", "20", "--batch", "32", "--width", "16",
                                   "--device", "cpu", "--save-every", "10", "--out", d])
            self.assertEqual(code, 0)
            self.assertEqual(sorted(f for f in os.listdir(d) if f.endswith(".nlab")),
                             ["step-00000010.nlab", "step-00000020.nlab"])
            status = json.load(open(os.path.join(d, "run.json")))
            self.assertEqual((status["status"], status["step"], status["steps"]), ("finished", 20, 20))
            events = [json.loads(line)["event"] for line in out.splitlines()]
            self.assertEqual(events[0], "start")
            self.assertEqual(events[-1], "done")
            ckpt = checkpoint.load(os.path.join(d, "step-00000020.nlab"))
            self.assertEqual(len(ckpt.training["loss_history"]), 20)

    def test_resume_carries_the_state_over_and_continues_from_its_step(self):
        with tempfile.TemporaryDirectory() as d:
            source = os.path.join(CHECKPOINTS, "dino-ddpm.nlab")
            before = checkpoint.load(source)
            code, _, err = _quiet(["--dataset", "dino", "--resume", source, "--steps", str(before.step + 3),
                                   "--device", "cpu", "--out", d])
            self.assertEqual(code, 0, err)
            after = checkpoint.load(os.path.join(d, f"step-{before.step + 3:08d}.nlab"))
            self.assertEqual(after.step, before.step + 3)
            self.assertEqual(after.manifest["trainer"]["resumedFrom"], {"file": "dino-ddpm.nlab",
                                                                        "step": before.step})
            for key in ("model", "schedule", "objective", "seeds"):
                self.assertEqual(after.manifest[key], before.manifest[key])
            history = after.training["loss_history"]
            np.testing.assert_array_equal(history[:before.step], before.training["loss_history"])
            self.assertEqual(len(history), before.step + 3)
            # three small steps from the saved state: the weights moved a little, not from a fresh start
            for name, w in before.weights.items():
                change = np.abs(after.weights[name] - w).max()
                self.assertGreater(change, 0, name)
                self.assertLess(change, 0.05, name)

    def test_resume_with_a_budget_already_spent_or_other_data_is_refused(self):
        source = os.path.join(CHECKPOINTS, "dino-ddpm.nlab")
        step = checkpoint.load(source).step
        with tempfile.TemporaryDirectory() as d:
            code, _, err = _quiet(["--dataset", "dino", "--resume", source, "--steps", str(step), "--out", d])
            self.assertEqual(code, 2)
            self.assertIn(f"must exceed the checkpoint's step {step}", err)
            code, _, err = _quiet(["--dataset", "gauss1d-two-mode", "--resume", source, "--steps", str(step + 1),
                                   "--out", d])
            self.assertEqual(code, 2)
            self.assertIn("trained on 2-dimensional data, --dataset gauss1d-two-mode has dimension 1", err)


    def test_held_out_images_are_kept_out_and_toys_have_none(self):
        kept = train._without_held_out(train.data.open_dataset("mnist"), 200)
        self.assertEqual(kept.count, 800)
        self.assertTrue(kept.name.endswith("[0:800]"))
        for dataset, n, words in (("dino", 5, "only image datasets"), ("mnist", 1000, "must lie in 0..999")):
            with tempfile.TemporaryDirectory() as d:
                code, _, err = _quiet(["--dataset", dataset, "--held-out", str(n), "--steps", "1", "--out", d])
                self.assertEqual(code, 2)
                self.assertIn(words, err)


class GridTest(unittest.TestCase):

    def test_a_toy_checkpoint_has_no_image_grid(self):
        with tempfile.TemporaryDirectory() as d:
            err = io.StringIO()
            with contextlib.redirect_stderr(err):
                code = grid.main(["--checkpoint", os.path.join(CHECKPOINTS, "dino-ddpm.nlab"), "--out",
                                  os.path.join(d, "g.png")])
            self.assertEqual(code, 2)
            self.assertIn("a sample grid needs an image denoiser", err.getvalue())
            self.assertFalse(os.path.exists(os.path.join(d, "g.png")))

    def test_a_grid_has_one_row_per_class(self):
        ckpt = checkpoint.load(os.path.join(CHECKPOINTS, "mnist-conditional-ddpm.nlab"))
        images, columns = grid.draw(ckpt, 1, 2, 1.0, 0, "cpu")
        self.assertEqual(tuple(images.shape), (10, 1, 28, 28))
        self.assertEqual(columns, 1)
        self.assertTrue(np.isfinite(images.numpy()).all())


if __name__ == "__main__":
    unittest.main()
