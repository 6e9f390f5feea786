"""The setup validation and the expected tensors of each model kind, as the engine has them."""

import copy
import glob
import io
import os
import tempfile
import unittest
import zipfile

from noiselab_torch import checkpoint, manifest

CHECKPOINTS = os.path.join(os.path.dirname(__file__), "..", "..", "assets", "src", "main", "resources", "org",
                           "noiselab", "assets", "checkpoints")


def _shipped():
    return {os.path.basename(f): checkpoint.load(f) for f in sorted(glob.glob(os.path.join(CHECKPOINTS, "*.nlab")))}


class ExpectedTensorsTest(unittest.TestCase):

    def test_every_shipped_model_has_exactly_the_expected_tensors_and_count(self):
        for name, k in _shipped().items():
            with self.subTest(name):
                expected = manifest.expected_tensors(k.model)
                self.assertEqual([(n, list(k.weights[n].shape)) for n in k.weights], expected)
                self.assertEqual(manifest.parameter_count(k.model), k.model["parameterCount"])

    def test_a_dense_network_beyond_200_million_parameters_is_refused_naming_width(self):
        spec = {"kind": "mlp", "dim": 2, "width": 4096, "depth": 32, "inputFrequencies": 0, "noiseFrequencies": 1,
                "classCount": 0}
        with self.assertRaisesRegex(manifest.InvalidConfig, r"width = 4096: model would have \d+ parameters"):
            manifest.parameter_count(spec)


class SetupTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.root = _shipped()["dino-ddpm.nlab"].manifest

    def refused(self, edit):
        root = copy.deepcopy(self.root)
        edit(root)
        with self.assertRaises(checkpoint.CheckpointFormatError) as e:
            manifest.read_setup(root, "x")
        return str(e.exception)

    def test_the_engines_messages(self):
        cases = {
            "x: model is invalid: width = 0: must lie in 1..4096": lambda r: r["model"].update(width=0),
            "x: model.width must be an integer": lambda r: r["model"].update(width=3.0),
            "x: model.depth must be an integer": lambda r: r["model"].update(depth=True),
            "x: model.dim must be an integer": lambda r: r["model"].pop("dim"),
            "x: model.inputScale must be a finite number": lambda r: r["model"].update(inputScale=float("inf")),
            "x: seeds.data must be a 64-bit integer": lambda r: r["seeds"].update(data=1 << 63),
            "x: schedule is invalid: betas = 0.5..0.02: need 0 < start <= end < 1":
                lambda r: r["schedule"].update(betaStart=0.5),
            "x: training.optimizer.kind must be adamw": lambda r: r["training"]["optimizer"].update(kind="sgd"),
            "x: objective is invalid: objective = score: available objectives: ddpm, itd, cdl, ddpm+cdl, cdm":
                lambda r: r["objective"].update(kind="score"),
            "x: setup is invalid: objective = cdm: trains a noise-level classifier, not a mlp":
                lambda r: r["objective"].update(kind="cdm", ceWeight=0.01, mseWeight=1.0),
            "x: initialisedFrom is invalid: not a SHA-256 digest: xyz":
                lambda r: r.update(initialisedFrom={"source": "a", "step": 0, "parametersSha256": "xyz"}),
        }
        for message, edit in cases.items():
            with self.subTest(message):
                self.assertEqual(self.refused(edit), message)

    def test_what_the_engine_accepts(self):
        root = copy.deepcopy(self.root)
        root["model"]["activation"] = "SiLU"
        root["training"].pop("labelDropout", None)
        root["dataset"]["name"] = "not-a-toy"
        root["initialisedFrom"] = None
        setup = manifest.read_setup(root, "x")
        self.assertEqual(setup.model["activation"], "silu")
        self.assertEqual(setup.training["labelDropout"], manifest.DEFAULT_LABEL_DROPOUT)
        self.assertIsNone(setup.init)


class InstantTest(unittest.TestCase):

    def test_as_javas_instant_parse(self):
        # each answer is what Instant.parse of JDK 17 gives
        cases = {"2026-01-01T00:00:00Z": True, "2026-01-01t00:00:00z": True, "2026-01-01T00:00:00.Z": True,
                 "2026-01-01T00:00:00.1234567891Z": False, "2026-01-01T24:00:00Z": True,
                 "2026-12-31T23:59:60Z": True, "2026-02-29T00:00:00Z": False, "2026-01-01T00:00:00+01": False,
                 "2026-01-01T00:00:00+01:00:30": True, "+12026-01-01T00:00:00Z": True,
                 "+2026-01-01T00:00:00Z": False, "-2026-01-01T00:00:00Z": True, "2026-01-01T00:00Z": False,
                 "2026-01-01T00:00:00+19:00": False, "+1000000000-01-01T00:00:00Z": True,
                 "2026-01-01T00:00:00,5Z": False}
        for text, valid in cases.items():
            with self.subTest(text):
                self.assertEqual(checkpoint.is_instant(text), valid)


class StreamingZipTest(unittest.TestCase):
    """Entries are read from the local headers, as java.util.zip.ZipInputStream reads them."""

    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        with open(os.path.join(CHECKPOINTS, "dino-ddpm.nlab"), "rb") as f:
            self.original = f.read()

    def tearDown(self):
        self.dir.cleanup()

    def write(self, data):
        path = os.path.join(self.dir.name, "k.nlab")
        with open(path, "wb") as f:
            f.write(data)
        return path

    def test_a_file_cut_in_its_central_directory_still_loads(self):
        with zipfile.ZipFile(io.BytesIO(self.original)) as z:
            last = z.infolist()[-1]
            end = last.header_offset
        cut = self.original[:self.original.index(b"PK\x01\x02", end)] + b"PK\x01\x02"
        self.assertEqual(checkpoint.load(self.write(cut)).step, checkpoint.load(self.write(self.original)).step)

    def test_a_file_cut_inside_an_entry_is_truncated(self):
        with self.assertRaisesRegex(checkpoint.CheckpointFormatError, "truncated"):
            checkpoint.load(self.write(self.original[:len(self.original) // 2]))

    def test_broken_deflate_data_is_a_format_error(self):
        with zipfile.ZipFile(io.BytesIO(self.original)) as z:
            info = z.getinfo("weights.safetensors")
        start = info.header_offset + 30 + len(info.filename) + len(info.extra)
        broken = bytearray(self.original)
        for i in range(start + 10, start + 40):
            broken[i] ^= 0x5A
        with self.assertRaises(checkpoint.CheckpointFormatError):
            checkpoint.load(self.write(bytes(broken)))


if __name__ == "__main__":
    unittest.main()
