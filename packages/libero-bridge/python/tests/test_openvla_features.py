"""features/openvla_features.py against a stand-in of the Hugging Face API (stdlib unittest).

NOT OpenVLA: fake ``torch``, ``transformers`` and ``PIL`` modules (put into sys.modules here, with
the call signatures the module uses) record what the module asks for and return a deterministic
hidden-state stack, so the test checks the prompt, the image preprocessing, the load arguments,
the appended empty token and that the last layer's state at the last token is returned. It says
nothing about the real weights."""

import os
import sys
import types
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "features"))

F = 6
LAYERS = 3
calls = {}


class FakeTensor:
    """A nested-list tensor with the few methods the module uses."""

    def __init__(self, data, dtype="int64", device="cpu"):
        self.data, self.dtype, self.device = data, dtype, device

    @property
    def shape(self):
        s, d = [], self.data
        while isinstance(d, list):
            s.append(len(d))
            d = d[0] if d else None
        return tuple(s)

    def __getitem__(self, index):
        d = self.data
        for i in index if isinstance(index, tuple) else (index,):
            d = d[i]
        return FakeTensor(d, self.dtype, self.device) if isinstance(d, list) else d

    def float(self):
        return FakeTensor(self.data, "float32", self.device)

    def cpu(self):
        return FakeTensor(self.data, self.dtype, "cpu")

    def numpy(self):
        return list(self.data)


def fake_torch():
    torch = types.ModuleType("torch")
    torch.bfloat16, torch.float32 = "bfloat16", "float32"
    torch.cuda = types.SimpleNamespace(is_available=lambda: True)

    class InferenceMode:
        def __enter__(self):
            calls["inference_mode"] = True

        def __exit__(self, *exc):
            return False

    torch.inference_mode = InferenceMode

    def cat(tensors, dim):
        assert dim == 1
        return FakeTensor([sum((t.data[r] for t in tensors), []) for r in range(len(tensors[0].data))], tensors[0].dtype, tensors[0].device)

    def full(shape, value, dtype=None, device=None):
        return FakeTensor([[value] * shape[1] for _ in range(shape[0])], dtype, device)

    torch.cat, torch.full = cat, full
    return torch


class FakeInputs(dict):
    def to(self, device, dtype=None):
        calls["inputs_to"] = (device, dtype)
        for key, value in self.items():
            value.device = device
            if key == "pixel_values":
                value.dtype = dtype
        return self


class FakeProcessor:
    def __call__(self, prompt, image, return_tensors=None):
        calls["prompt"], calls["image"], calls["return_tensors"] = prompt, image, return_tensors
        ids = [1] + [ord(c) for c in prompt]
        return FakeInputs(input_ids=FakeTensor([ids]), attention_mask=FakeTensor([[1] * len(ids)]), pixel_values=FakeTensor([[0.0]], "float32"))


class FakeModel:
    def to(self, device):
        calls["model_to"] = device
        return self

    def eval(self):
        calls["eval"] = True

    def __call__(self, input_ids, attention_mask, pixel_values, output_hidden_states=False):
        calls["forward"] = {"input_ids": input_ids.data[0], "mask": attention_mask.data[0], "pixel_dtype": pixel_values.dtype, "output_hidden_states": output_hidden_states}
        ids = input_ids.data[0]
        # state[l][t][j] encodes the layer, the position and the token, so the test sees which was taken
        hidden = tuple(FakeTensor([[[1000.0 * l + t + 0.001 * ids[t] + 0.1 * j for j in range(F)] for t in range(len(ids))]], "bfloat16") for l in range(LAYERS + 1))
        return types.SimpleNamespace(hidden_states=hidden)


def fake_transformers():
    tr = types.ModuleType("transformers")

    class AutoProcessor:
        @staticmethod
        def from_pretrained(name, **kwargs):
            calls["processor_from_pretrained"] = (name, kwargs)
            return FakeProcessor()

    class AutoModelForVision2Seq:
        @staticmethod
        def from_pretrained(name, **kwargs):
            calls["model_from_pretrained"] = (name, kwargs)
            return FakeModel()

    tr.AutoProcessor, tr.AutoModelForVision2Seq = AutoProcessor, AutoModelForVision2Seq
    return tr


class FakeImage:
    def __init__(self, size, history):
        self.size, self.history = size, history

    def convert(self, mode):
        return FakeImage(self.size, self.history + [("convert", mode)])

    def resize(self, size, resample):
        return FakeImage(tuple(size), self.history + [("resize", tuple(size), resample)])

    def crop(self, box):
        return FakeImage((box[2] - box[0], box[3] - box[1]), self.history + [("crop", box)])


def fake_pil():
    pil = types.ModuleType("PIL")
    image = types.ModuleType("PIL.Image")
    image.BILINEAR = "bilinear"
    image.fromarray = lambda a: FakeImage((int(a.shape[1]), int(a.shape[0])), [("fromarray", tuple(a.shape))])
    pil.Image = image
    return pil, image


class OpenVlaFeaturesTest(unittest.TestCase):
    def setUp(self):
        calls.clear()
        pil, image = fake_pil()
        self.saved = {k: sys.modules.get(k) for k in ("torch", "transformers", "PIL", "PIL.Image", "openvla_features")}
        sys.modules.update({"torch": fake_torch(), "transformers": fake_transformers(), "PIL": pil, "PIL.Image": image})
        sys.modules.pop("openvla_features", None)
        import openvla_features

        self.m = openvla_features

    def tearDown(self):
        for k, v in self.saved.items():
            if v is None:
                sys.modules.pop(k, None)
            else:
                sys.modules[k] = v

    def agentview(self, h=256, w=256):
        return memoryview(bytes(h * w * 3)).cast("B", (h, w, 3))

    def test_loads_the_checkpoint_in_bf16_on_cuda_with_remote_code(self):
        self.m.setup({"checkpoint": "some/openvla"})
        self.assertEqual(calls["processor_from_pretrained"], ("some/openvla", {"trust_remote_code": True}))
        name, kwargs = calls["model_from_pretrained"]
        self.assertEqual(name, "some/openvla")
        self.assertEqual(kwargs, {"torch_dtype": "bfloat16", "low_cpu_mem_usage": True, "trust_remote_code": True})
        self.assertEqual(calls["model_to"], "cuda:0")
        self.assertTrue(calls["eval"])

    def test_unknown_config_keys_are_refused(self):
        with self.assertRaisesRegex(ValueError, "unknown --features-config keys.*chekpoint"):
            self.m.setup({"chekpoint": "x"})

    def test_prompt_image_and_last_layer_last_token(self):
        self.m.setup({})
        out = self.m.features(self.agentview(), None, [0.0] * 9, "Pick up the black bowl")
        prompt = "In: What action should the robot take to pick up the black bowl?\nOut:"
        self.assertEqual(calls["prompt"], prompt)
        self.assertEqual(calls["return_tensors"], "pt")
        self.assertEqual(calls["inputs_to"], ("cuda:0", "bfloat16"))
        self.assertTrue(calls["inference_mode"])
        f = calls["forward"]
        self.assertTrue(f["output_hidden_states"])
        self.assertEqual(f["pixel_dtype"], "bfloat16")
        # OpenVLA's predict_action appends the empty token 29871 (and extends the mask)
        self.assertEqual(f["input_ids"], [1] + [ord(c) for c in prompt] + [29871])
        self.assertEqual(f["mask"], [1] * len(f["input_ids"]))
        # the image: 256 → 224, then the central 0.9 of its area cropped and resized back to 224
        history = calls["image"].history
        side = 224 * 0.9**0.5
        leftf = (224 - side) / 2
        left, right = round(leftf), round(leftf + side)
        self.assertEqual(history[0], ("fromarray", (256, 256, 3)))
        self.assertEqual(history[1], ("convert", "RGB"))
        self.assertEqual(history[2], ("resize", (224, 224), "bilinear"))
        self.assertEqual(history[3], ("crop", (left, left, right, right)))
        self.assertEqual(history[4], ("resize", (224, 224), "bilinear"))
        self.assertEqual(calls["image"].size, (224, 224))
        # last layer (index LAYERS), last position (the appended token), as floats of length F
        last = len(f["input_ids"]) - 1
        self.assertEqual(out, [1000.0 * LAYERS + last + 0.001 * 29871 + 0.1 * j for j in range(F)])

    def test_no_crop_and_no_resize_when_asked(self):
        self.m.setup({"center_crop": False, "image_size": 224, "append_empty_token": False})
        self.m.features(self.agentview(224, 224), None, [0.0] * 9, "x")
        self.assertEqual([h[0] for h in calls["image"].history], ["fromarray", "convert"])
        self.assertNotEqual(calls["forward"]["input_ids"][-1], 29871)

    def test_features_before_setup_is_an_error(self):
        self.m._state.clear()
        with self.assertRaisesRegex(RuntimeError, "setup"):
            self.m.features(self.agentview(), None, [0.0] * 9, "x")

    def test_runs_through_the_server_provider(self):
        # the server's FeatureProvider hands the module a 3-D image and gets float32 bytes back
        sys.path.insert(0, os.path.join(HERE, ".."))
        from rsd_libero_features import FeatureProvider

        provider = FeatureProvider(os.path.join(HERE, "..", "features", "openvla_features.py"), {"device": "cuda:1"})
        data, count, ms = provider.compute(bytes(8 * 8 * 3), 8, 8, None, [0.0] * 9, "Open the drawer")
        self.assertEqual(count, F)
        self.assertEqual(len(data), 4 * F)
        self.assertGreaterEqual(ms, 0.0)
        self.assertEqual(calls["model_to"], "cuda:1")
        self.assertEqual(calls["prompt"], "In: What action should the robot take to open the drawer?\nOut:")


if __name__ == "__main__":
    unittest.main()
