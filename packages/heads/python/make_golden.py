"""Writes the golden conversion fixtures of @rsd/heads (needs PyTorch; safetensors optional):

    python3 packages/heads/python/make_golden.py

(On Debian 12, `apt-get install python3-torch` gives PyTorch 1.13 for /usr/bin/python3; the
.safetensors files are written only when the `safetensors` package is importable.)

Into packages/heads/test/fixtures/golden/:
  config.json                     the tiny heads config used
  draft.pt / main.pt              torch.save({"config", "state_dict"}) via save_head
  draft.safetensors / main.safetensors   the same weights, config in the metadata (if safetensors)
  main_fp16.pt                    the main head's state_dict (bare, no config) in float16
  io.json                         fixed inputs and PyTorch's outputs:
      features [B,F], tokens [B,C,H,L], draft_logits [B,C,H,k,K], main_logits [B,C,H,L,K],
      main_fp16_logits (the fp16 weights run in float32)
The test src/checkpoint/golden-conversion.test.ts converts each checkpoint to ONNX and
requires ONNX Runtime's outputs to match within 1e-4; it is skipped while these files are absent.
"""
import json
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from rsd_heads import DraftHead, MainHead, save_head  # noqa: E402

OUT = os.path.join(HERE, "..", "test", "fixtures", "golden")
CFG = {"F": 6, "C": 2, "H": 3, "L": 4, "K": 5, "draftLayers": 2,
       "mainWidth": 12, "mainDepth": 2, "draftWidth": 8, "draftDepth": 1}
B = 3


def flat(t):
    return [float(v) for v in t.detach().to(torch.float64).reshape(-1).tolist()]


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(20251122)
    draft, head = DraftHead(CFG), MainHead(CFG)
    with torch.no_grad():  # make masked-out weights non-zero too: conversion must mask them
        head.in_tokens.weight.normal_(0, 0.3)
    draft.eval(), head.eval()
    features = torch.randn(B, CFG["F"])
    tokens = torch.randint(0, CFG["K"], (B, CFG["C"], CFG["H"], CFG["L"]), dtype=torch.int64)
    with torch.no_grad():
        draft_logits = draft(features)
        main_logits = head(features, tokens)
        fp16 = MainHead(CFG)
        fp16.load_state_dict({k: v.half().float() for k, v in head.state_dict().items()})
        fp16_logits = fp16(features, tokens)

    save_head(draft, os.path.join(OUT, "draft.pt"))
    save_head(head, os.path.join(OUT, "main.pt"))
    try:
        import safetensors  # noqa: F401
    except ImportError:
        print("safetensors is not installed: .safetensors goldens not written")
    else:
        save_head(draft, os.path.join(OUT, "draft.safetensors"))
        save_head(head, os.path.join(OUT, "main.safetensors"))
    torch.save({k: v.half() for k, v in head.state_dict().items()}, os.path.join(OUT, "main_fp16.pt"))
    with open(os.path.join(OUT, "config.json"), "w") as f:
        json.dump(CFG, f, indent=1)
    io = {
        "torch": torch.__version__,
        "B": B,
        "features": flat(features),
        "tokens": [int(v) for v in tokens.reshape(-1).tolist()],
        "draft_logits": flat(draft_logits),
        "main_logits": flat(main_logits),
        "main_fp16_logits": flat(fp16_logits),
    }
    with open(os.path.join(OUT, "io.json"), "w") as f:
        json.dump(io, f)
    print("wrote", sorted(os.listdir(OUT)), "torch", torch.__version__)


if __name__ == "__main__":
    main()
