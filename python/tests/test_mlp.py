"""The dense twins on their own: layouts of the shipped checkpoints, features, activations, labels and the level gap.

Their agreement with the engine is checked by the engine's parity tests (MlpTwinParityTest,
MlpClassifierTwinParityTest); these tests pin what can be checked without it, in double precision where it helps.
"""

import math
import os
import unittest

import numpy as np
import torch

from noiselab_torch import checkpoint, models
from noiselab_torch.models import features
from noiselab_torch.models.mlp import MlpDenoiser
from noiselab_torch.models.mlp_classifier import MlpClassifier

CHECKPOINTS = os.path.join(os.path.dirname(__file__), "..", "..", "assets", "src", "main", "resources", "org",
                           "noiselab", "assets", "checkpoints")


def shipped(name):
    return checkpoint.load(os.path.join(CHECKPOINTS, name + ".nlab"))


def mlp_spec(**changes):
    spec = {"kind": "mlp", "dim": 2, "width": 16, "depth": 2, "activation": "silu", "inputFrequencies": 3,
            "inputScale": 4.0, "noiseFrequencies": 2, "noiseScale": 1.0, "classCount": 0}
    spec.update(changes)
    return spec


def classifier_spec(**changes):
    spec = {"kind": "classifier-mlp", "dim": 2, "width": 16, "depth": 2, "activation": "silu", "inputFrequencies": 3,
            "inputScale": 4.0, "levels": 6, "classCount": 0}
    spec.update(changes)
    return spec


class ShippedLayoutTest(unittest.TestCase):

    def test_every_shipped_dense_checkpoint_loads_strictly_with_its_names_and_shapes(self):
        for name in ("dino-ddpm", "datasaurus-conditional-ddpm", "gauss1d-two-mode-cdl", "dino-cdm",
                     "gauss1d-two-mode-cdm"):
            with self.subTest(name):
                k = shipped(name)
                model = models.from_checkpoint(k)
                state = model.state_dict()
                self.assertEqual(list(state), list(k.ema), "state_dict order is the file's")
                for key, v in k.ema.items():
                    self.assertEqual(tuple(state[key].shape), v.shape, key)
                    np.testing.assert_array_equal(state[key].numpy(), v)
                self.assertEqual(sum(p.numel() for p in model.parameters()), k.model["parameterCount"])

    def test_a_renamed_or_reshaped_tensor_is_refused(self):
        k = shipped("dino-ddpm")
        renamed = dict(k.ema)
        renamed["layers.0.wieght"] = renamed.pop("layers.0.weight")
        with self.assertRaisesRegex(ValueError, "missing"):
            models.load_weights(models.build(k.model), renamed)
        reshaped = dict(k.ema)
        reshaped["layers.1.weight"] = reshaped["layers.1.weight"][:, :64]
        with self.assertRaisesRegex(ValueError, "shape"):
            models.load_weights(models.build(k.model), reshaped)


class FeaturesTest(unittest.TestCase):

    def test_frequencies_run_geometrically_from_the_scale_down_by_ten_thousand(self):
        f = features.frequencies(5, 16.0).double()
        self.assertAlmostEqual(float(f[0]), 16.0)
        self.assertAlmostEqual(float(f[-1]), 16.0 / 10000, places=9)
        np.testing.assert_allclose((f[1:] / f[:-1]).numpy(), 10000 ** -0.25, rtol=1e-6)
        self.assertEqual(features.frequencies(1, 3.0).tolist(), [3.0])
        self.assertEqual(features.frequencies(0, 3.0).numel(), 0)

    def test_each_coordinate_gives_its_sines_then_its_cosines(self):
        f = torch.tensor([2.0, 0.5])
        v = torch.tensor([[0.3, -1.1]])
        got = features.sinusoidal(v, f)[0].tolist()
        expected = [math.sin(0.6), math.sin(0.15), math.cos(0.6), math.cos(0.15),
                    math.sin(-2.2), math.sin(-0.55), math.cos(-2.2), math.cos(-0.55)]
        np.testing.assert_allclose(got, expected, rtol=1e-6)

    def test_the_denoiser_sees_the_point_its_features_then_the_noise_features(self):
        model = MlpDenoiser.from_spec(mlp_spec())
        x = torch.tensor([[0.5, -2.0]])
        lam = torch.tensor([3.0])
        u = model.input_features(x, lam)[0]
        self.assertEqual(u.numel(), model.feature_count)
        self.assertEqual(model.feature_count, 2 + 2 * 3 * 2 + 2 * 2)
        np.testing.assert_allclose(u[:2].numpy(), [0.5, -2.0])
        fl = features.frequencies(2, 1.0)
        np.testing.assert_allclose(u[-4:].numpy(), torch.cat([torch.sin(3 * fl), torch.cos(3 * fl)]).numpy(),
                                   rtol=1e-6)


class ActivationTest(unittest.TestCase):

    def test_the_closed_forms(self):
        z = torch.linspace(-6, 6, 97, dtype=torch.float64)
        c = math.sqrt(2 / math.pi)
        np.testing.assert_allclose(features.activation("gelu")(z).numpy(),
                                   (0.5 * z * (1 + torch.tanh(c * (z + 0.044715 * z ** 3)))).numpy(), rtol=1e-15)
        np.testing.assert_allclose(features.activation("silu")(z).numpy(), (z / (1 + torch.exp(-z))).numpy(),
                                   rtol=1e-14)
        np.testing.assert_array_equal(features.activation("relu")(z).numpy(), torch.clamp(z, min=0).numpy())
        np.testing.assert_array_equal(features.activation("tanh")(z).numpy(), torch.tanh(z).numpy())

    def test_relu_has_gradient_zero_at_zero_as_the_engine(self):
        z = torch.zeros(3, requires_grad=True)
        features.activation("relu")(z).sum().backward()
        self.assertEqual(z.grad.tolist(), [0.0, 0.0, 0.0])

    def test_the_tanh_gelu_is_not_the_exact_one(self):
        z = torch.tensor([1.5], dtype=torch.float64)
        exact = 0.5 * z * (1 + torch.erf(z / math.sqrt(2)))
        self.assertGreater(abs(float(features.activation("gelu")(z) - exact)), 1e-5)


class SpecTest(unittest.TestCase):

    def test_refusals_name_the_field(self):
        cases = {
            "kind": (MlpDenoiser, mlp_spec(kind="unet")),
            "activation": (MlpDenoiser, mlp_spec(activation="swish")),
            "width": (MlpDenoiser, mlp_spec(width=0)),
            "noiseFrequencies": (MlpDenoiser, mlp_spec(noiseFrequencies=0)),
            "inputScale": (MlpDenoiser, mlp_spec(inputScale=-1.0)),
            "classCount": (MlpDenoiser, mlp_spec(classCount=2.5)),
            "levels": (MlpClassifier, classifier_spec(levels=2)),
            "smooth": (MlpClassifier, classifier_spec(activation="relu")),
        }
        for field, (cls, spec) in cases.items():
            with self.subTest(field), self.assertRaisesRegex(ValueError, field):
                cls.from_spec(spec)

    def test_build_dispatches_on_the_kind(self):
        self.assertIsInstance(models.build(mlp_spec()), MlpDenoiser)
        self.assertIsInstance(models.build(classifier_spec()), MlpClassifier)


class LabelsTest(unittest.TestCase):

    def test_no_labels_is_the_null_class_and_labels_pick_their_row(self):
        torch.manual_seed(1)
        model = MlpDenoiser.from_spec(mlp_spec(classCount=3))
        x = torch.randn(4, 2)
        lam = torch.randn(4)
        null = torch.full((4,), 3, dtype=torch.long)
        torch.testing.assert_close(model(x, lam, None), model(x, lam, null), rtol=0, atol=0)
        self.assertFalse(torch.equal(model(x, lam, torch.zeros(4, dtype=torch.long)), model(x, lam, null)))
        with self.assertRaisesRegex(ValueError, "null class"):
            model(x, lam, torch.full((4,), 4, dtype=torch.long))

    def test_an_unconditional_model_ignores_labels(self):
        model = MlpDenoiser.from_spec(mlp_spec())
        x = torch.randn(3, 2)
        lam = torch.zeros(3)
        torch.testing.assert_close(model(x, lam, torch.tensor([0, 1, 2])), model(x, lam), rtol=0, atol=0)


class LevelGapTest(unittest.TestCase):

    def setUp(self):
        torch.manual_seed(2)
        self.model = MlpClassifier.from_spec(classifier_spec(activation="gelu", classCount=2)).double()
        self.x = torch.randn(7, 2, dtype=torch.float64)
        self.labels = torch.tensor([0, 1, 2, 0, 1, 2, 2])

    def test_logits_are_the_cumulative_sum_of_the_readout(self):
        r = self.model.readout(self.x, self.labels)
        f = self.model.logits(self.x, self.labels)
        torch.testing.assert_close(f[:, 3], r[:, :4].sum(1))
        torch.testing.assert_close(f[:, 1:] - f[:, :-1], r[:, 1:])

    def test_the_gap_interpolates_linearly_between_integer_levels(self):
        f = self.model.logits(self.x, self.labels)
        top = self.model.levels - 1

        def at(tau):
            return self.model.level_gap(self.x, torch.full((7,), tau, dtype=torch.float64), self.labels)

        torch.testing.assert_close(at(2.0), f[:, top] - f[:, 2])
        torch.testing.assert_close(at(2.25), 0.75 * at(2.0) + 0.25 * at(3.0))
        torch.testing.assert_close(at(float(top)), torch.zeros(7, dtype=torch.float64))
        torch.testing.assert_close(at(top - 0.5), 0.5 * at(top - 1.0))

    def test_the_gap_gradient_equals_central_differences(self):
        level = torch.tensor([0.0, 0.4, 1.0, 2.5, 3.0, 4.9, 5.0], dtype=torch.float64)
        g = self.model.level_gap_gradient(self.x, level, self.labels)
        h = 1e-6
        for j in range(2):
            e = torch.zeros_like(self.x)
            e[:, j] = h
            fd = (self.model.level_gap(self.x + e, level, self.labels)
                  - self.model.level_gap(self.x - e, level, self.labels)) / (2 * h)
            torch.testing.assert_close(g[:, j], fd.detach(), rtol=1e-6, atol=1e-8)
        torch.testing.assert_close(g[-1], torch.zeros(2, dtype=torch.float64))

    def test_the_gap_gradient_is_differentiable_in_the_parameters(self):
        levels = torch.tensor([0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 1.0], dtype=torch.float64)
        weight = self.model.layers[0].weight

        def gap_gradient_of(w):
            saved = weight.data.clone()
            with torch.no_grad():
                weight.copy_(w)
            out = self.model.level_gap_gradient(self.x, levels, self.labels).sum().item()
            with torch.no_grad():
                weight.copy_(saved)
            return out

        g = self.model.level_gap_gradient(self.x, levels, self.labels, create_graph=True)
        (dw,) = torch.autograd.grad(g.sum(), weight)
        direction = torch.randn_like(weight)
        h = 1e-6
        fd = (gap_gradient_of(weight + h * direction) - gap_gradient_of(weight - h * direction)) / (2 * h)
        self.assertAlmostEqual(float((dw * direction).sum()), fd, delta=1e-6 * max(1.0, abs(fd)))

    def test_levels_outside_the_range_are_refused(self):
        with self.assertRaisesRegex(ValueError, "levels"):
            self.model.level_gap(self.x, torch.full((7,), 5.5, dtype=torch.float64), self.labels)


if __name__ == "__main__":
    unittest.main()
