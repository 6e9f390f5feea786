"""The .nlab and safetensors readers: round trips, and hostile files refused with a message."""

import io
import os
import struct
import tempfile
import unittest
import zipfile

import numpy as np

from noiselab_torch import checkpoint, jsoncompat, safetensors_io

SHIPPED = os.path.join(os.path.dirname(__file__), "..", "..", "assets", "src", "main", "resources", "org", "noiselab",
                       "assets", "checkpoints", "dino-ddpm.nlab")


class SafetensorsTest(unittest.TestCase):

    def test_round_trip(self):
        tensors = {"a": np.arange(6, dtype=np.float32).reshape(2, 3), "b": np.array([1.5], dtype=np.float32)}
        back, meta = safetensors_io.read(safetensors_io.write(tensors, {"format": "pt"}))
        self.assertEqual(meta, {"format": "pt"})
        for k in tensors:
            np.testing.assert_array_equal(back[k], tensors[k])

    def test_hostile_headers_are_refused(self):
        good = safetensors_io.write({"a": np.zeros(4, dtype=np.float32)})
        header_len = struct.unpack("<Q", good[:8])[0]
        cases = {
            "short": good[:5],
            "length beyond the file": struct.pack("<Q", 1 << 40) + good[8:],
            "gap": good + b"\0\0\0\0",
            "truncated data": good[:-4],
            "not json": struct.pack("<Q", header_len) + b"{" * header_len + good[8 + header_len:],
        }
        for name, data in cases.items():
            with self.subTest(name), self.assertRaises(safetensors_io.FormatError):
                safetensors_io.read(data, "t")


class JacksonCompatTest(unittest.TestCase):

    def test_doubles_are_written_as_java_writes_them(self):
        cases = {1e-4: "1.0E-4", 0.001: "0.001", 16.0: "16.0", 1e7: "1.0E7", 9999999.0: "9999999.0",
                 -2.3673403740509524e-4: "-2.3673403740509524E-4", 0.999: "0.999", 0.0: "0.0", 123456789.0:
                 "1.23456789E8", 1e-8: "1.0E-8"}
        for x, text in cases.items():
            self.assertEqual(jsoncompat.java_double(x), text)

    def test_strings_use_jacksons_escapes(self):
        self.assertEqual(jsoncompat.compact({"a": "q\"\\\n\x01é"}), '{"a":"q\\"\\\\\\n\\u0001é"}')


class CheckpointTest(unittest.TestCase):

    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.shipped = checkpoint.load(SHIPPED)

    def tearDown(self):
        self.dir.cleanup()

    def path(self, name):
        return os.path.join(self.dir.name, name)

    def entries(self):
        with zipfile.ZipFile(SHIPPED) as zf:
            return {i.filename: zf.read(i) for i in zf.infolist()}

    def write_zip(self, name, entries):
        with zipfile.ZipFile(self.path(name), "w") as zf:
            for k, v in entries:
                zf.writestr(k, v)
        return self.path(name)

    def test_save_then_load_is_the_same(self):
        k = self.shipped
        checkpoint.save(self.path("a.nlab"), k.manifest, k.weights, k.ema, k.training)
        back = checkpoint.load(self.path("a.nlab"))
        self.assertEqual(back.manifest["manifestSha256"], k.manifest["manifestSha256"])
        for name in k.weights:
            np.testing.assert_array_equal(back.weights[name], k.weights[name])
        self.assertTrue(os.path.exists(self.path("a.manifest.json")))
        self.assertEqual([f for f in os.listdir(self.dir.name) if f.endswith(".tmp")], [])

    def test_hostile_checkpoints_are_refused_with_a_reason(self):
        e = self.entries()
        manifest = e["manifest.json"].decode()
        flipped = bytearray(e["weights.safetensors"])
        flipped[-1] ^= 1
        cases = {
            "edited manifest": [("manifest.json", manifest.replace('"step" : 20000', '"step" : 19999'))] +
                               [(k, v) for k, v in e.items() if k != "manifest.json"],
            "tensor bit flipped": [(k, bytes(flipped) if k == "weights.safetensors" else v) for k, v in e.items()],
            "manifest not first": list(reversed(list(e.items()))),
            "extra entry": list(e.items()) + [("../evil", b"x")],
            "missing entry": [(k, v) for k, v in e.items() if k != "ema.safetensors"],
            "duplicate entry": list(e.items()) + [("ema.safetensors", e["ema.safetensors"])],
        }
        for name, entries in cases.items():
            with self.subTest(name):
                path = self.write_zip(name.replace(" ", "-") + ".nlab", entries)
                with self.assertRaises(checkpoint.CheckpointFormatError) as caught:
                    checkpoint.load(path)
                self.assertTrue(str(caught.exception).strip())

    def test_not_a_zip_is_refused(self):
        with open(self.path("garbage.nlab"), "wb") as f:
            f.write(os.urandom(1000))
        with self.assertRaises(checkpoint.CheckpointFormatError):
            checkpoint.load(self.path("garbage.nlab"))

    def test_nan_weights_with_correct_digests_are_refused(self):
        k = self.shipped
        weights = dict(k.weights)
        w = weights["layers.0.bias"].copy()
        w[3] = np.nan
        weights["layers.0.bias"] = w
        checkpoint.save(self.path("nan.nlab"), k.manifest, weights, k.ema, k.training)
        with self.assertRaises(checkpoint.CheckpointFormatError) as caught:
            checkpoint.load(self.path("nan.nlab"))
        self.assertIn("NaN at index 3", str(caught.exception))


if __name__ == "__main__":
    unittest.main()
