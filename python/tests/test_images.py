"""The image-model twins: layouts of the shipped checkpoints, the layer conventions against direct NHWC loops, and the
classifier's logits and level gap."""

import os
import unittest

import numpy as np
import torch

from noiselab_torch import checkpoint, models
from noiselab_torch.models import layers
from noiselab_torch.models.conv_classifier import ConvNoiseClassifier, gap_weights
from noiselab_torch.models.unet import UNetDenoiser

CHECKPOINTS = os.path.join(os.path.dirname(__file__), "..", "..", "assets", "src", "main", "resources", "org",
                           "noiselab", "assets", "checkpoints")


def randomise(model, seed):
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in model.parameters():
            p.add_(torch.rand(p.shape, generator=g) * 0.6 - 0.3)
    return model


class ShippedLayoutTest(unittest.TestCase):

    def test_state_dicts_are_the_checkpoints_tensors_in_order(self):
        for name in ("mnist-conditional-ddpm", "mnist-cdm"):
            with self.subTest(name):
                ckpt = checkpoint.load(os.path.join(CHECKPOINTS, name + ".nlab"))
                model = models.from_checkpoint(ckpt)
                state = models.weights_of(model)
                self.assertEqual(list(state), list(ckpt.ema))
                for k, v in ckpt.ema.items():
                    np.testing.assert_array_equal(state[k], v)
                self.assertEqual(sum(v.size for v in state.values()), ckpt.model["parameterCount"])


class LayerConventionTest(unittest.TestCase):

    def test_conv_is_the_engines_nhwc_cross_correlation(self):
        torch.manual_seed(0)
        h, w, cin, cout = 5, 4, 3, 2
        conv = layers.Conv(3, cin, cout)
        with torch.no_grad():
            conv.weight.normal_()
            conv.bias.normal_()
        x = torch.randn(1, cin, h, w)
        wt, b, xs = conv.weight.detach().numpy(), conv.bias.detach().numpy(), x[0].numpy()
        expected = np.zeros((cout, h, w))
        for y in range(h):
            for xo in range(w):
                for ky in range(3):
                    for kx in range(3):
                        yy, xx = y + ky - 1, xo + kx - 1
                        if 0 <= yy < h and 0 <= xx < w:
                            expected[:, y, xo] += xs[:, yy, xx] @ wt[ky, kx]
                expected[:, y, xo] += b
        np.testing.assert_allclose(conv(x)[0].detach().numpy(), expected, rtol=1e-5, atol=1e-5)

    def test_group_norm_uses_biased_variance_over_channels_and_pixels(self):
        torch.manual_seed(1)
        norm = layers.GroupNorm(16, 8)
        with torch.no_grad():
            norm.weight.normal_()
            norm.bias.normal_()
        x = torch.randn(2, 16, 3, 3)
        g = x.reshape(2, 8, -1).double()
        xhat = ((g - g.mean(-1, keepdim=True)) / torch.sqrt(g.var(-1, unbiased=False, keepdim=True) + 1e-5))
        expected = xhat.reshape(2, 16, 3, 3) * norm.weight.double()[:, None, None] + norm.bias.double()[:, None, None]
        torch.testing.assert_close(norm(x).double(), expected, rtol=1e-5, atol=1e-5)

    def test_pool_and_upsample_are_2x2_blocks(self):
        x = torch.arange(16.0).reshape(1, 1, 4, 4)
        torch.testing.assert_close(layers.average_pool(x), torch.tensor([[[[2.5, 4.5], [10.5, 12.5]]]]))
        up = layers.upsample(torch.tensor([[[[1.0, 2.0], [3.0, 4.0]]]]))
        torch.testing.assert_close(up[0, 0, :2, :2], torch.ones(2, 2))
        torch.testing.assert_close(up[0, 0, 2:, 2:], torch.full((2, 2), 4.0))

    def test_noise_frequencies_are_the_engines(self):
        f = layers.frequencies(16)
        self.assertEqual(f[0].item(), 1.0)
        self.assertAlmostEqual(f[15].item(), 1e-4, places=10)


class UNetTwinTest(unittest.TestCase):

    def setUp(self):
        self.model = randomise(UNetDenoiser(2, 8, 8, 16, 3, class_count=3), 2)

    def test_flat_rows_are_channel_major_images(self):
        x = torch.randn(2, 2, 8, 8)
        lam = torch.tensor([-3.0, 4.0])
        images = self.model(x, lam, [0, 3])
        flat = self.model(x.reshape(2, -1), lam, [0, 3])
        self.assertEqual(tuple(flat.shape), (2, 128))
        torch.testing.assert_close(flat, images.reshape(2, -1))

    def test_no_labels_is_the_null_class(self):
        x = torch.randn(2, 128)
        lam = torch.tensor([0.5, 1.0])
        torch.testing.assert_close(self.model(x, lam), self.model(x, lam, [3, 3]))

    def test_labels_outside_the_table_are_refused(self):
        with self.assertRaises(ValueError):
            self.model(torch.zeros(1, 128), torch.zeros(1), [4])

    def test_from_spec_checks_the_kind(self):
        spec = {"kind": "unet", "channels": 1, "height": 4, "width": 4, "baseChannels": 8, "levels": 2,
                "classCount": 0}
        self.assertIsInstance(models.build(spec), UNetDenoiser)
        with self.assertRaises(ValueError):
            UNetDenoiser.from_spec(dict(spec, kind="mlp"))


class ClassifierTwinTest(unittest.TestCase):

    def setUp(self):
        self.model = randomise(ConvNoiseClassifier(1, 8, 8, 16, 2, levels=6, class_count=2), 3)

    def test_logits_are_the_cumulative_sum_of_the_read_out(self):
        x = torch.randn(3, 64)
        torch.testing.assert_close(self.model(x), torch.cumsum(self.model.raw(x), dim=1), rtol=1e-5, atol=1e-5)

    def test_the_level_gap_interpolates_between_levels(self):
        x = torch.randn(2, 64)
        f = self.model(x).double()
        for tau in (0.0, 1.25, 4.5, 5.0):
            t0 = int(np.floor(tau))
            a = tau - t0
            expected = (1 - a) * (f[:, -1] - f[:, t0]) + (a * (f[:, -1] - f[:, t0 + 1]) if a > 0 else 0)
            gap = self.model.level_gap(x, torch.full((2,), tau))
            torch.testing.assert_close(gap.double(), expected, rtol=1e-5, atol=1e-5)

    def test_levels_outside_the_range_are_refused(self):
        for bad in (-0.5, 5.5, float("nan")):
            with self.assertRaises(ValueError):
                gap_weights(torch.tensor([bad]), 6)

    def test_the_gap_gradient_is_the_input_gradient_of_the_gap(self):
        x = torch.randn(1, 64, dtype=torch.float64)
        model = self.model.double()
        tau = torch.tensor([2.5])
        grad = model.level_gap_gradient(x, tau)
        d = torch.randn(1, 64, dtype=torch.float64)
        h = 1e-5
        numeric = (model.level_gap(x + h * d, tau) - model.level_gap(x - h * d, tau)) / (2 * h)
        torch.testing.assert_close((grad * d).sum(), numeric.sum(), rtol=1e-6, atol=1e-8)


if __name__ == "__main__":
    unittest.main()
