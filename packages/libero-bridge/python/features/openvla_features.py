"""OpenVLA features for the RSD LIBERO bridge server: the last layer's hidden state at the last
prompt token, F = 4096 for the 7B Llama-2 backbone.

    python3 rsd_libero_server.py --tcp 127.0.0.1:5555 \\
        --features features/openvla_features.py \\
        --features-config '{"checkpoint": "moojink/openvla-7b-oft-finetuned-libero-spatial"}'

UNTESTED AGAINST THE REAL WEIGHTS: this module was written against the Hugging Face
``transformers`` API (``AutoProcessor`` / ``AutoModelForVision2Seq`` with
``trust_remote_code=True``) the way OpenVLA's own LIBERO evaluation builds its inputs, and is
tested only against a stand-in processor and model with the same call signatures
(python/tests/test_openvla_features.py). Check it on a GPU before trusting numbers.

What it does, per observation:

1. the agent-view image (upright, uint8 [H, W, 3]) becomes a PIL RGB image, resized to
   ``image_size`` (default 224); with ``center_crop`` (default true, as openvla-oft evaluates
   models trained with random-crop augmentation) the central ``crop_scale`` (default 0.9) of its
   area is cropped and resized back to ``image_size``;
2. the prompt is OpenVLA's: ``"In: What action should the robot take to {instruction}?\\nOut:"``
   with the instruction lower-cased;
3. ``processor(prompt, image)`` → inputs on ``device`` in ``dtype`` (default ``cuda:0`` and
   bfloat16); like OpenVLA's ``predict_action``, the empty token 29871 is appended when the
   prompt does not end with it (``append_empty_token``), so the state is the one action decoding
   starts from;
4. one forward pass with ``output_hidden_states=True``; the feature vector is
   ``hidden_states[-1][0, -1]`` (last layer, last prompt token) as float32.

Config (``--features-config``, a JSON file or inline JSON):

- ``checkpoint``: Hugging Face id or local folder (default
  ``moojink/openvla-7b-oft-finetuned-libero-spatial``);
- ``image_size`` (224), ``center_crop`` (true), ``crop_scale`` (0.9);
- ``device`` (``cuda:0``), ``dtype`` (``bfloat16``), ``attn_implementation`` (optional, e.g.
  ``flash_attention_2``), ``append_empty_token`` (true), ``empty_token_id`` (29871).

Only the agent-view image is used (openvla-oft's wrist image and proprio projector are not part
of the plain language model's hidden state).
"""

import math

DEFAULTS = {
    "checkpoint": "moojink/openvla-7b-oft-finetuned-libero-spatial",
    "image_size": 224,
    "center_crop": True,
    "crop_scale": 0.9,
    "device": "cuda:0",
    "dtype": "bfloat16",
    "attn_implementation": None,
    "append_empty_token": True,
    "empty_token_id": 29871,
}

_state = {}


def prompt_for(instruction):
    """OpenVLA's LIBERO prompt for one instruction."""
    return "In: What action should the robot take to %s?\nOut:" % instruction.lower()


def setup(config):
    """Loads the processor and the model once (in the process that computes features)."""
    import torch
    from transformers import AutoModelForVision2Seq, AutoProcessor

    cfg = dict(DEFAULTS)
    unknown = sorted(set(config) - set(DEFAULTS))
    if unknown:
        raise ValueError("unknown --features-config keys %s (known: %s)" % (unknown, sorted(DEFAULTS)))
    cfg.update(config)
    dtype = getattr(torch, cfg["dtype"], None)
    if dtype is None:
        raise ValueError("dtype %r is not a torch dtype" % cfg["dtype"])
    if str(cfg["device"]).startswith("cuda") and not torch.cuda.is_available():
        raise RuntimeError("device %s asked for, but torch sees no CUDA device" % cfg["device"])
    kwargs = {"torch_dtype": dtype, "low_cpu_mem_usage": True, "trust_remote_code": True}
    if cfg["attn_implementation"]:
        kwargs["attn_implementation"] = cfg["attn_implementation"]
    processor = AutoProcessor.from_pretrained(cfg["checkpoint"], trust_remote_code=True)
    model = AutoModelForVision2Seq.from_pretrained(cfg["checkpoint"], **kwargs).to(cfg["device"])
    model.eval()
    _state.update(cfg=cfg, torch=torch, dtype=dtype, processor=processor, model=model)


def prepare_image(agentview, cfg):
    """uint8 [H, W, 3] upright → PIL RGB image of image_size², center-cropped when asked."""
    from PIL import Image

    size = int(cfg["image_size"])
    image = Image.fromarray(agentview).convert("RGB")
    if image.size != (size, size):
        image = image.resize((size, size), Image.BILINEAR)
    if cfg["center_crop"]:
        side = size * math.sqrt(float(cfg["crop_scale"]))
        left = (size - side) / 2.0
        box = (int(round(left)), int(round(left)), int(round(left + side)), int(round(left + side)))
        image = image.crop(box).resize((size, size), Image.BILINEAR)
    return image


def features(agentview, wrist, proprio, instruction):
    if not _state:
        raise RuntimeError("setup(config) was not called")
    cfg, torch = _state["cfg"], _state["torch"]
    image = prepare_image(agentview, cfg)
    inputs = _state["processor"](prompt_for(instruction), image, return_tensors="pt").to(cfg["device"], dtype=_state["dtype"])
    with torch.inference_mode():
        if cfg["append_empty_token"]:
            ids = inputs["input_ids"]
            empty = int(cfg["empty_token_id"])
            if int(ids[0, -1]) != empty:
                inputs["input_ids"] = torch.cat([ids, torch.full((ids.shape[0], 1), empty, dtype=ids.dtype, device=ids.device)], dim=1)
                mask = inputs.get("attention_mask")
                if mask is not None:
                    inputs["attention_mask"] = torch.cat([mask, torch.full((mask.shape[0], 1), 1, dtype=mask.dtype, device=mask.device)], dim=1)
        out = _state["model"](**inputs, output_hidden_states=True)
        hidden = out.hidden_states[-1][0, -1]
        return hidden.float().cpu().numpy()
