"""Schedules, the optimiser and the samplers on their own: closed forms, bounds and the identities between them."""

import math
import unittest

import torch

from noiselab_torch import optim, sample, schedule
from noiselab_torch.parity_ops.sampling import gaussian_classes_eps, split64


class ScheduleTest(unittest.TestCase):

    def test_linear_betas_run_from_start_to_end(self):
        s = schedule.NoiseSchedule(schedule.parse("linear", 1000))
        self.assertAlmostEqual(s.beta(1), 1e-4, delta=1e-15)
        self.assertAlmostEqual(s.beta(1000), 0.02, delta=1e-15)
        self.assertEqual(s.alpha_bar(0), 1.0)
        self.assertEqual(s.alpha_bar(1001), 0.0)
        self.assertEqual(s.log_snr(0), math.inf)
        self.assertEqual(s.log_snr(1001), -math.inf)

    def test_uniform_noise_grows_linearly(self):
        s = schedule.NoiseSchedule(schedule.Uniform(9))
        for t in range(1, 10):
            self.assertAlmostEqual(s.sigma(t), t / 10, delta=1e-15)

    def test_cosine_clips_its_betas(self):
        s = schedule.NoiseSchedule(schedule.Cosine(50, 0.0))
        self.assertAlmostEqual(s.beta(50), 0.999, delta=1e-12)
        self.assertTrue(all(s.beta(t) <= 0.999 for t in range(1, 51)))

    def test_log_snr_and_alpha_bar_are_inverse(self):
        s = schedule.NoiseSchedule(schedule.parse("cosine", 200))
        for t in range(1, 201):
            self.assertAlmostEqual(schedule.alpha_bar_of_log_snr(s.log_snr(t)), s.alpha_bar(t), delta=1e-15)

    def test_tables_match_the_methods(self):
        s = schedule.NoiseSchedule(schedule.LinearBeta(20, 1e-3, 0.1))
        for t in range(1, 21):
            self.assertEqual(s.betas[t].item(), s.beta(t))
            self.assertEqual(s.posterior_variances[t].item(), s.posterior_variance(t))
        self.assertTrue(math.isnan(s.betas[0].item()) and math.isnan(s.betas[21].item()))

    def test_manifest_sections_are_read_and_bad_ones_refused(self):
        spec = schedule.spec_from_manifest({"kind": "linear", "steps": 10, "betaStart": 1e-3, "betaEnd": 0.02})
        self.assertEqual(spec, schedule.LinearBeta(10, 1e-3, 0.02))
        self.assertEqual(schedule.spec_from_manifest(spec.to_manifest()), spec)
        for bad in ({"kind": "sigmoid", "steps": 10}, {"kind": "uniform", "steps": 0},
                    {"kind": "linear", "steps": 10, "betaStart": 0.1, "betaEnd": 0.01},
                    {"kind": "cosine", "steps": 10, "offset": 1.0}, {"kind": "uniform", "steps": 100_001}):
            with self.subTest(bad), self.assertRaises(ValueError):
                schedule.spec_from_manifest(bad)
        with self.assertRaises(IndexError):
            schedule.NoiseSchedule(spec).beta(0)

    def test_split64_is_exact(self):
        v = torch.tensor([math.pi, -1e-5 / 3, 12345.678901234567, math.inf, 0.0], dtype=torch.float64)
        parts = split64("v", v)
        back = parts["v.hi"].double() + parts["v.mid"].double() + parts["v.lo"].double()
        self.assertTrue(torch.equal(back, v))


class OptimiserTest(unittest.TestCase):

    def test_first_step_moves_each_coordinate_by_the_rate(self):
        # at k = 1, m_hat = g and v_hat = g^2, so the step is lr g / (|g| + eps)
        opt = optim.AdamW(optim.AdamWSpec(clip_norm=0), 3)
        p = torch.tensor([1.0, 2.0, 3.0])
        opt.step(p, torch.tensor([0.5, -2.0, 1e-3]), 0.01)
        torch.testing.assert_close(p, torch.tensor([0.99, 2.01, 2.99]), rtol=0, atol=1e-6)

    def test_clipping_scales_the_gradient_to_the_clip_norm(self):
        opt = optim.AdamW(optim.AdamWSpec(clip_norm=1.0), 2)
        p = torch.zeros(2)
        norm = opt.step(p, torch.tensor([3.0, 4.0]), 0.1)
        self.assertEqual(norm, 5.0)
        torch.testing.assert_close(opt.m, torch.tensor([0.06, 0.08]))

    def test_a_non_finite_gradient_changes_nothing(self):
        opt = optim.AdamW(optim.AdamWSpec(), 2)
        p = torch.tensor([1.0, -1.0])
        opt.step(p, torch.tensor([0.1, 0.2]), 1e-2)
        before = (p.clone(), opt.m.clone(), opt.v.clone())
        for bad in (math.nan, math.inf):
            self.assertFalse(math.isfinite(opt.step(p, torch.tensor([0.1, bad]), 1e-2)))
        self.assertEqual(opt.steps, 1)
        for a, b in zip(before, (p, opt.m, opt.v)):
            self.assertTrue(torch.equal(a, b))
        ema = optim.ExponentialMovingAverage(0.9, p)
        with self.assertRaises(optim.NonFiniteGradient):
            optim.training_step(opt, ema, optim.LearningRateSchedule.constant(1e-2), 10, p,
                                torch.tensor([math.nan, 0.0]))
        self.assertEqual(ema.updates, 0)

    def test_weight_decay_is_decoupled(self):
        # a zero gradient still shrinks the parameters by (1 - lr wd)
        opt = optim.AdamW(optim.AdamWSpec(weight_decay=0.1, clip_norm=0), 1)
        p = torch.tensor([2.0])
        opt.step(p, torch.tensor([0.0]), 0.5)
        self.assertAlmostEqual(p.item(), 2.0 * 0.95, places=6)

    def test_learning_rate_warms_up_then_decays_with_a_half_cosine(self):
        s = optim.LearningRateSchedule(1.0, 10, True, 0.1)
        self.assertEqual(s.rate(0, 110), 0.0)
        self.assertAlmostEqual(s.rate(5, 110), 0.5)
        self.assertEqual(s.rate(10, 110), 1.0)
        self.assertAlmostEqual(s.rate(60, 110), 0.55)
        self.assertAlmostEqual(s.rate(110, 110), 0.1)
        self.assertAlmostEqual(s.rate(500, 110), 0.1)
        self.assertEqual(optim.LearningRateSchedule.constant(0.3).rate(7, 9), 0.3)

    def test_ema_warm_up(self):
        ema = optim.ExponentialMovingAverage(0.999, torch.zeros(1))
        ema.update(torch.ones(1))  # d_1 = 2 / 11
        self.assertAlmostEqual(ema.average.item(), 9 / 11, places=6)

    def test_specs_refuse_what_the_engine_refuses(self):
        for bad in (dict(beta1=1.0), dict(beta2=-0.1), dict(epsilon=0.0), dict(weight_decay=1.0),
                    dict(clip_norm=math.inf)):
            with self.subTest(bad), self.assertRaises(ValueError):
                optim.AdamWSpec(**bad)
        with self.assertRaises(ValueError):
            optim.LearningRateSchedule(10.0)


class SamplerTest(unittest.TestCase):

    SCHEDULE = schedule.NoiseSchedule(schedule.parse("linear", 1000))

    def test_respaced_steps_round_halves_up(self):
        self.assertEqual(sample.respaced_steps(10, 4), [0, 3, 5, 8, 10])  # 2.5 -> 3 and 7.5 -> 8
        self.assertEqual(sample.respaced_steps(1000, 1000), list(range(1001)))
        with self.assertRaises(ValueError):
            sample.respaced_steps(10, 11)

    def test_ddim_with_eta_one_is_ddpm(self):
        eps = gaussian_classes_eps([[1.0, -1.0]], [0.1])
        x = torch.randn(16, 2, generator=torch.Generator().manual_seed(1))
        draws = torch.randn(49, 32, dtype=torch.float64, generator=torch.Generator().manual_seed(2))
        a = sample.ddpm(eps, self.SCHEDULE, x, 50, noise=sample.NoiseTape(draws))
        b = sample.ddim(eps, self.SCHEDULE, x, 50, eta=1.0, noise=sample.NoiseTape(draws))
        for s, t in zip(a, b):
            torch.testing.assert_close(s, t, rtol=0, atol=1e-5)

    def test_deterministic_ddim_reaches_the_class_means(self):
        means = [[2.0, 0.0], [-2.0, 1.0], [0.0, 0.0]]
        eps = gaussian_classes_eps(means, [1e-4, 1e-4, 1.0])
        labels = torch.tensor([0, 1, 0, 1])
        x = torch.randn(4, 2, generator=torch.Generator().manual_seed(3))
        out = sample.ddim(eps, self.SCHEDULE, x, 100, labels=labels)[-1]
        torch.testing.assert_close(out, torch.tensor(means)[labels], rtol=0, atol=0.05)

    def test_guidance_passes_null_rows_and_mixes_the_rest(self):
        def eps(x, log_snr, labels):
            return labels.to(torch.float32).unsqueeze(1).expand(-1, 2).clone()

        g = sample.guided(eps, 2.0, null_class=5)
        out = g(torch.zeros(3, 2), torch.zeros(3), torch.tensor([1, 5, 3]))
        # (1 + w) c - w null: 3 - 10 = -7, 9 - 10 = -1; the null row stays 5
        torch.testing.assert_close(out[:, 0], torch.tensor([-7.0, 5.0, -1.0]))

    def test_the_tape_must_match_the_draws(self):
        eps = gaussian_classes_eps([[0.0]], [1.0])
        with self.assertRaises(IndexError):
            sample.ddpm(eps, self.SCHEDULE, torch.zeros(2, 1), 10, noise=sample.NoiseTape([[0.0, 0.0]] * 8))
