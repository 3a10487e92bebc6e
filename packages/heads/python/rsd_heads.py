"""Reference PyTorch implementation of the RSD heads (see ../ARCHITECTURE.md).

The TensorFlow.js model, the ONNX export and this module compute the same function, and the
parameter names below are the `state_dict` names `npx nx run heads:convert` maps from:

    from rsd_heads import DraftHead, MainHead, save_head
    cfg = {"F": 4096, "C": 8, "H": 7, "L": 8, "K": 7, "draftLayers": 3,
           "mainWidth": 1024, "mainDepth": 2, "draftWidth": 256, "draftDepth": 1}
    main = MainHead(cfg)            # main(features [B,F] float32, tokens [B,C,H,L] int64) -> [B,C,H,L,K]
    draft = DraftHead(cfg)          # draft(features [B,F] float32) -> [B,C,H,k,K]
    save_head(main, "main.pt")      # {"config": cfg, "arch": "main", "state_dict": ...}: convert needs no --config
    save_head(draft, "draft.safetensors")   # config and arch in the safetensors metadata

Requires PyTorch >= 1.13 (and `safetensors` for .safetensors files).
"""
import json

import torch
from torch import nn
from torch.nn import functional as F

CONFIG_FIELDS = ("F", "C", "H", "L", "K", "draftLayers", "mainWidth", "mainDepth", "draftWidth", "draftDepth")


def check_config(cfg):
    """Validates a heads config dict the way validateHeadsConfig (heads-config.ts) does."""
    for f in CONFIG_FIELDS:
        v = cfg.get(f)
        low = 0 if f == "draftDepth" else 2 if f == "K" else 1
        if not isinstance(v, int) or isinstance(v, bool) or v < low:
            raise ValueError(f'config field "{f}" must be an integer >= {low}, got {v!r}')
    if cfg["draftLayers"] > cfg["L"]:
        raise ValueError(f'config field "draftLayers" ({cfg["draftLayers"]}) must be <= L ({cfg["L"]})')
    return {f: cfg[f] for f in CONFIG_FIELDS}


class DraftHead(nn.Module):
    """features float32 [B,F] -> logits float32 [B,C,H,k,K] (k = draftLayers).

    x = features; x = relu(blocks.i(x)) for each block; logits = reshape(out(x), [B,C,H,k,K]).
    Parameters: blocks.{i}.weight [E, in], blocks.{i}.bias [E], out.weight [C*H*k*K, in], out.bias.
    """

    def __init__(self, cfg):
        super().__init__()
        self.cfg = check_config(cfg)
        c = self.cfg
        width = c["F"]
        blocks = []
        for _ in range(c["draftDepth"]):
            blocks.append(nn.Linear(width, c["draftWidth"]))
            width = c["draftWidth"]
        self.blocks = nn.ModuleList(blocks)
        self.out = nn.Linear(width, c["C"] * c["H"] * c["draftLayers"] * c["K"])

    def forward(self, features):
        c = self.cfg
        x = features
        for block in self.blocks:
            x = torch.relu(block(x))
        return self.out(x).reshape(x.shape[0], c["C"], c["H"], c["draftLayers"], c["K"])


def made_masks(cfg):
    """The MADE masks of ARCHITECTURE.md: hidden unit i has degree i mod L; token layer j has
    degree j+1 as an input; output layer l has degree l.  Returns float32 (in, hid, out) masks
    shaped like in_tokens.weight [D, L*P*K], hidden.weight [D, D] and out.weight [L*P*K, D]."""
    D, L = cfg["mainWidth"], cfg["L"]
    PK = cfg["C"] * cfg["H"] * cfg["K"]
    m = torch.arange(D) % L                      # degree of each hidden unit
    layer = torch.arange(L * PK) // PK           # token layer of each one-hot column / output row
    mask_in = (layer[None, :] < m[:, None]).float()       # [D, LPK]: j < m(i)
    mask_hid = (m[None, :] <= m[:, None]).float()         # [D', D]: m(i) <= m(i')
    mask_out = (m[None, :] <= layer[:, None]).float()     # [LPK, D]: m(i) <= l
    return mask_in, mask_hid, mask_out


class MainHead(nn.Module):
    """features float32 [B,F], tokens int64 [B,C,H,L] -> logits float32 [B,C,H,L,K],
    causal over depth: the logits of layer l depend on features and tokens of layers < l only.

    Parameters: in_features.weight [D,F], in_features.bias [D], in_tokens.weight [D, L*P*K]
    (no bias), hidden.{i}.weight [D,D], hidden.{i}.bias [D], out.weight [L*P*K, D], out.bias.
    The masks are non-persistent buffers rebuilt from the config; masked weights are ignored.
    """

    def __init__(self, cfg):
        super().__init__()
        self.cfg = check_config(cfg)
        c = self.cfg
        D = c["mainWidth"]
        LPK = c["L"] * c["C"] * c["H"] * c["K"]
        self.in_features = nn.Linear(c["F"], D)
        self.in_tokens = nn.Linear(LPK, D, bias=False)
        self.hidden = nn.ModuleList([nn.Linear(D, D) for _ in range(c["mainDepth"] - 1)])
        self.out = nn.Linear(D, LPK)
        mask_in, mask_hid, mask_out = made_masks(c)
        self.register_buffer("mask_in", mask_in, persistent=False)
        self.register_buffer("mask_hid", mask_hid, persistent=False)
        self.register_buffer("mask_out", mask_out, persistent=False)

    def forward(self, features, tokens):
        c = self.cfg
        B = features.shape[0]
        t = tokens.long().permute(0, 3, 1, 2)                              # [B, L, C, H]
        x = F.one_hot(t, c["K"]).to(features.dtype).reshape(B, -1)         # [B, L*P*K]
        z = torch.relu(self.in_features(features) + F.linear(x, self.in_tokens.weight * self.mask_in))
        for layer in self.hidden:
            z = torch.relu(F.linear(z, layer.weight * self.mask_hid, layer.bias))
        y = F.linear(z, self.out.weight * self.mask_out, self.out.bias)    # [B, L*P*K]
        return y.reshape(B, c["L"], c["C"], c["H"], c["K"]).permute(0, 2, 3, 1, 4)


def save_head(module, path):
    """Saves a head so that conversion needs no --config: a .pt file holds
    {"config": cfg, "arch": "main"|"draft", "state_dict": sd}; a .safetensors file holds the
    state_dict with metadata {"config": json, "arch": ...} (as `npx nx run heads:train` writes)."""
    arch = "main" if isinstance(module, MainHead) else "draft"
    sd = {k: v.detach().contiguous() for k, v in module.state_dict().items()}
    if str(path).endswith(".safetensors"):
        from safetensors.torch import save_file

        save_file(sd, str(path), metadata={"config": json.dumps(module.cfg), "arch": arch})
    else:
        torch.save({"config": dict(module.cfg), "arch": arch, "state_dict": module.state_dict()}, path)
