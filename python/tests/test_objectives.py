"""The objective twins on their own: known values, the ITD estimate against an exact likelihood, and every loss's
autograd gradient against float64 central differences (the CDM's through its input gradient, double backprop)."""

import math
import unittest

import torch
from torch import nn

from noiselab_torch import objectives as ob


def linear_alpha_bars(steps, start=1e-4, end=0.02):
    betas = torch.linspace(start, end, steps, dtype=torch.float64)
    return torch.cat([torch.ones(1, dtype=torch.float64), torch.cumprod(1 - betas, 0),
                      torch.zeros(1, dtype=torch.float64)])


class TinyDenoiser(nn.Module):
    """``eps_hat(x, lambda, c)``: one tanh layer with a class table (last row the null class)."""

    def __init__(self, dim, classes=0, width=12):
        super().__init__()
        self.hidden = nn.Linear(dim + 1, width)
        self.out = nn.Linear(width, dim)
        self.table = nn.Embedding(classes + 1, width) if classes else None
        self.seen = None

    def forward(self, x, log_snr, labels):
        self.seen = labels
        h = self.hidden(torch.cat([x, log_snr.unsqueeze(1) / 10], 1))
        if labels is not None:
            h = h + self.table(labels)
        return self.out(torch.tanh(h))


class TinyClassifier(nn.Module):
    """Noise-level logits ``cumsum(W2 silu(W1 x + b1) + b2)``, as the engine's classifiers end."""

    def __init__(self, dim, levels, width=12):
        super().__init__()
        self.hidden = nn.Linear(dim, width)
        self.out = nn.Linear(width, levels)

    def logits(self, x, labels):
        return torch.cumsum(self.out(nn.functional.silu(self.hidden(x))), 1)


def central_difference_check(test, model, loss, batch, draws, h=1e-5, directions=3):
    """The float64 model's autograd directional derivatives equal central differences of the loss."""
    model = model.double()
    model.zero_grad()
    loss.loss(model, batch, draws).backward()
    params = list(model.parameters())
    generator = torch.Generator().manual_seed(3)
    for _ in range(directions):
        v = [torch.randn(p.shape, generator=generator, dtype=torch.float64) for p in params]
        exact = float(sum((p.grad * x).sum() for p, x in zip(params, v)))
        base = [p.detach().clone() for p in params]
        values = []
        for sign in (1, -1):
            with torch.no_grad():
                for p, b, x in zip(params, base, v):
                    p.copy_(b + sign * h * x)
            values.append(float(loss.loss(model, batch, draws)))
        with torch.no_grad():
            for p, b in zip(params, base):
                p.copy_(b)
        numeric = (values[0] - values[1]) / (2 * h)
        # float64 central difference: truncation of order h^2 (about 1e-10 here)
        test.assertAlmostEqual(exact, numeric, delta=1e-7 * max(1.0, abs(exact)))


class BatchTest(unittest.TestCase):

    def test_dropped_labels_are_the_null_class_exactly_where_u_is_below_p(self):
        labels = torch.tensor([0, 1, 2, 1])
        out = ob.drop_labels(labels, 3, 0.1, [0.05, 0.5, 0.0999, 0.1])
        self.assertEqual(out.tolist(), [3, 1, 3, 1])
        self.assertIs(ob.drop_labels(labels, 3, 0.0, None), labels)
        self.assertIsNone(ob.drop_labels(None, 3, 0.1, [0.0]))

    def test_tensor_data_draws_batches_and_drops_about_p_of_the_labels(self):
        data = ob.TensorTrainingData(torch.randn(50, 2), torch.arange(50) % 3, class_count=3)
        batch = data.draw(4000, torch.Generator().manual_seed(1), label_dropout=0.25)
        self.assertEqual(tuple(batch.x0.shape), (4000, 2))
        self.assertAlmostEqual(float((batch.labels == 3).double().mean()), 0.25, delta=0.03)


class ItdPiecesTest(unittest.TestCase):

    def test_the_proposal_spans_its_range_and_its_weight_is_one_over_its_density(self):
        p = ob.LogSnrProposal.for_variances([1.2, 0.8])
        self.assertAlmostEqual(float(p.sample(torch.tensor([0.0]))), p.min, places=9)
        self.assertAlmostEqual(float(p.sample(torch.tensor([1.0]))), p.max, places=9)
        grid = torch.linspace(p.min, p.max, 200_001, dtype=torch.float64)
        density = 1 / p.weight(grid)
        self.assertAlmostEqual(float(torch.trapz(density, grid)), 1.0, places=6)
        self.assertAlmostEqual(ob.LogSnrProposal.for_variances([1.0, 2.0, 4.0]).scale,
                               math.sqrt(1 + 3 / math.pi * (2 / 3) * math.log(2) ** 2), places=14)

    def test_itd_of_the_exact_gaussian_denoiser_is_the_gaussian_nll(self):
        # data N(0, diag v): eps_hat(z, l) = sqrt(1 - a) z / (a v + 1 - a) is exact, so the ITD estimate of -log p(x)
        # (clean density) averages to -log N(x; 0, v), up to the truncation at +-9 log-SNR (below 0.01 nats here)
        v = torch.tensor([1.5, 0.5], dtype=torch.float64)
        reference = ob.GaussianReference(v)
        proposal = ob.LogSnrProposal.for_variances(v.tolist())
        x = torch.tensor([[0.3, -0.8], [2.0, 0.1]])
        points = 100_000
        draws = ob.ItdDraws.draw(2 * points, 2, torch.Generator().manual_seed(5))
        terms = ob.ItdTerms(reference, proposal, x, torch.full((2,), float("nan")), points, draws)
        a = torch.sigmoid(terms.query_log_snr.double()).unsqueeze(1)
        out = torch.sqrt(1 - a) * terms.inputs.double() / (a * v + 1 - a)
        nll = terms.evaluate(out)
        exact = 0.5 * (torch.log(2 * math.pi * v) + x.double() ** 2 / v).sum(1)
        for g in range(2):
            self.assertAlmostEqual(float(nll[g]), float(exact[g]), delta=0.03)

    def test_the_noised_density_queries_where_the_point_sits(self):
        reference = ob.GaussianReference([1.0])
        proposal = ob.LogSnrProposal.for_variances([1.0])
        draws = ob.ItdDraws(torch.tensor([0.3, 0.7], dtype=torch.float64), torch.zeros(2, 1))
        terms = ob.ItdTerms(reference, proposal, torch.zeros(2, 1), torch.tensor([float("nan"), 1.0]), 1, draws)
        lam = proposal.sample(draws.u)
        self.assertAlmostEqual(float(terms.query_log_snr[0]), float(lam[0]), places=5)
        combined = torch.sigmoid(lam[1]) * torch.sigmoid(torch.tensor(1.0, dtype=torch.float64))
        self.assertAlmostEqual(float(terms.query_log_snr[1]), float(torch.logit(combined)), places=5)
        self.assertAlmostEqual(float(terms.rescale[1]), float(torch.sqrt(torch.sigmoid(-lam[1]) / (1 - combined))),
                               places=12)


class LossTest(unittest.TestCase):

    def setUp(self):
        torch.manual_seed(0)
        self.g = torch.Generator().manual_seed(11)
        self.variances = [1.2, 0.8]
        self.batch = ob.TrainingBatch(torch.randn(6, 2, generator=self.g), None)
        self.labelled = ob.TrainingBatch(self.batch.x0, torch.tensor([0, 1, 2, 3, 1, 0]))

    def loss(self, kind, **settings):
        spec = ob.ObjectiveSpec(kind, **settings) if settings else ob.ObjectiveSpec.parse(kind)
        return ob.create(spec, linear_alpha_bars(50), self.variances, self.batch.n)

    def test_ddpm_of_a_zero_network_is_the_noise_energy(self):
        model = TinyDenoiser(2)
        for p in model.parameters():
            nn.init.zeros_(p)
        loss = self.loss("ddpm")
        draws = loss.draw(self.batch, self.g)
        self.assertAlmostEqual(float(loss.loss(model, self.batch, draws)),
                               float((draws.eps.double() ** 2).sum() / 6), places=10)

    def test_every_denoising_loss_has_its_exact_gradient(self):
        cdl = ob.ContrastiveSettings(2.0, 3, 4)
        for kind, settings in [("ddpm", {}), ("itd", {}), ("cdl", {}), ("ddpm+cdl", {"contrastive": cdl})]:
            for batch, classes in [(self.batch, 0), (self.labelled, 3)]:
                with self.subTest(kind=kind, classes=classes):
                    loss = self.loss(kind, **settings)
                    draws = loss.draw(batch, self.g)
                    central_difference_check(self, TinyDenoiser(2, classes), loss, batch, draws)

    def test_a_composite_is_the_sum_of_its_parts(self):
        loss = self.loss("cdl")
        model = TinyDenoiser(2)
        draws = loss.draw(self.batch, self.g)
        total = loss.loss(model, self.batch, draws)
        parts = loss.first.loss(model, self.batch, draws.first) + loss.second.loss(model, self.batch, draws.second)
        self.assertEqual(float(total), float(parts))
        self.assertEqual(loss.second.points, self.batch.n)  # cdl points 0 = the batch size

    def test_contrastive_rows_carry_the_label_of_their_point(self):
        loss = self.loss("cdl").second
        model = TinyDenoiser(2, 3)
        loss.loss(model, self.labelled, loss.draw(self.labelled, self.g))
        points = loss.points
        self.assertEqual(model.seen.tolist(), [0] * 2 * points + [1] * 2 * points)

    def test_cdm_is_exact_double_backprop(self):
        for ce, mse in [(0.01, 1.0), (1.0, 0.0), (0.0, 1.0)]:
            with self.subTest(ce=ce, mse=mse):
                loss = ob.CdmLoss(linear_alpha_bars(10), ce, mse)
                draws = loss.draw(self.batch, self.g)
                central_difference_check(self, TinyClassifier(2, 12), loss, self.batch, draws)

    def test_cdm_of_a_zero_classifier_has_uniform_logits_and_predicts_the_noised_point(self):
        model = TinyClassifier(2, 12)
        for p in model.parameters():
            nn.init.zeros_(p)
        loss = ob.CdmLoss(linear_alpha_bars(10), 1.0, 1.0)
        draws = loss.draw(self.batch, self.g)
        terms = loss.terms(model, self.batch, draws)
        self.assertAlmostEqual(float(terms.cross_entropy), math.log(12), places=12)
        a = loss.alpha_bars[draws.t]
        s = loss.sigma[draws.t].double()
        xt = (a.sqrt().unsqueeze(1) * self.batch.x0.double() + s.unsqueeze(1) * draws.eps.double()).float().double()
        expected = ((s.unsqueeze(1) * xt - draws.eps.double()) ** 2).sum() / 6
        self.assertAlmostEqual(float(terms.squared_error), float(expected), places=5)


class SpecTest(unittest.TestCase):

    def test_manifest_sections_mean_the_engines_objectives(self):
        a = linear_alpha_bars(10)
        v = [1.0, 1.0]
        self.assertIsInstance(ob.create({"kind": "ddpm"}, a, v, 8), ob.DdpmLoss)
        self.assertIsInstance(ob.create({"kind": "itd"}, a, v, 8), ob.ItdLoss)
        cdl = ob.create({"kind": "cdl", "cdlWeight": 2.0, "cdlSamples": 3, "cdlPoints": 0}, a, v, 8)
        self.assertIsInstance(cdl.first, ob.ItdLoss)
        self.assertEqual((cdl.second.settings.weight, cdl.second.settings.samples, cdl.second.points), (2.0, 3, 8))
        both = ob.create({"kind": "ddpm+cdl", "cdlWeight": 1.0, "cdlSamples": 2, "cdlPoints": 5}, a, v, 8)
        self.assertIsInstance(both.first, ob.DdpmLoss)
        self.assertEqual(both.second.points, 5)
        cdm = ob.create({"kind": "cdm", "ceWeight": 0.5, "mseWeight": 2.0}, a, v, 8)
        self.assertEqual((cdm.ce_weight, cdm.mse_weight, cdm.levels), (0.5, 2.0, 12))
        self.assertEqual(ob.ObjectiveSpec.parse("cdl").contrastive, ob.ContrastiveSettings(1.0, 2, 0))

    def test_invalid_specs_are_refused(self):
        for bad in [lambda: ob.ObjectiveSpec("sgm"), lambda: ob.ObjectiveSpec("cdm", ce_weight=0, mse_weight=0),
                    lambda: ob.ContrastiveSettings(samples=0), lambda: ob.ContrastiveSettings(weight=-1)]:
            with self.assertRaises(ValueError):
                bad()


class CalibrationTest(unittest.TestCase):

    def test_calibrated_posteriors_average_to_the_uniform_prior_and_fold_into_the_read_out(self):
        g = torch.Generator().manual_seed(2)
        levels, per_level = 5, 40
        logits = torch.randn(levels * per_level, levels, generator=g, dtype=torch.float64) * 2
        logits += 3 * torch.arange(levels, dtype=torch.float64)  # biased towards the last level
        result = ob.LevelCalibration.solve(logits, per_level)
        self.assertTrue(result.converged)
        self.assertEqual(float(result.offsets[0]), 0.0)
        posterior = torch.softmax(logits + result.offsets, 1).mean(0)
        self.assertTrue(torch.allclose(posterior, torch.full((levels,), 1 / levels, dtype=torch.float64),
                                       atol=1e-6))
        self.assertLessEqual(result.cross_entropy_after, result.cross_entropy_before)
        bias = torch.zeros(levels)
        folded = ob.LevelCalibration.fold(bias, result.offsets)
        self.assertTrue(torch.allclose(torch.cumsum(folded.double(), 0), result.offsets, atol=1e-5))


if __name__ == "__main__":
    unittest.main()
