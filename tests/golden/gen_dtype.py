#!/usr/bin/python3
"""Writes promotion.txt and conversions.txt: PyTorch's type promotion and float16/bfloat16 rounding.

Run with Debian's PyTorch: /usr/bin/python3 tests/golden/gen_dtype.py (from the repository root).
"""
import os
import random
import struct

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
DTYPES = [torch.bool, torch.uint8, torch.int8, torch.int16, torch.int32, torch.int64,
          torch.float16, torch.bfloat16, torch.float32, torch.float64]


def name(d):
    return str(d)


def operand(desc):
    if desc == "int":
        return 2
    if desc == "float":
        return 2.5
    if desc == "bool":
        return True
    kind, dt = desc.split(":")
    d = getattr(torch, dt)
    return torch.zeros((), dtype=d) if kind == "zerodim" else torch.zeros(2, dtype=d)


def promotion():
    out = ["@@ promote_types"]
    for a in DTYPES:
        for b in DTYPES:
            out.append(f"{name(a)} {name(b)} {name(torch.promote_types(a, b))}")
    out.append("@@ result_type")
    descs = []
    for d in DTYPES:
        short = str(d).replace("torch.", "")
        descs += [f"tensor:{short}", f"zerodim:{short}"]
    descs += ["int", "float", "bool"]
    for a in descs:
        for b in descs:
            if a in ("int", "float", "bool") and b in ("int", "float", "bool"):
                continue  # two Python numbers are not a tensor operation
            if a in ("int", "float", "bool"):
                continue  # torch.result_type needs a tensor first; the rule is symmetric
            r = torch.result_type(operand(a), operand(b))
            out.append(f"{a} {b} {name(r)}")
    return out


def f32_bits(x):
    return struct.unpack("<I", struct.pack("<f", x))[0]


def conversions():
    rng = random.Random(1234)
    values = set()
    # every float16 value, the midpoints between neighbours and one float32 ulp either side
    for h in range(0x10000):
        f = torch.tensor([h], dtype=torch.int16).view(torch.float16).float().item() if h < 0x8000 else \
            torch.tensor([h - 0x10000], dtype=torch.int16).view(torch.float16).float().item()
        values.add(f32_bits(f))
    halves = sorted({v for v in values})
    bits = set()
    for b in rng.sample(halves, 4000):
        for delta in (-1, 0, 1):
            bits.add((b + delta) & 0xFFFFFFFF)
    # bfloat16 boundaries: patterns with low half 0x8000 (ties) and around it, random float32s
    for _ in range(2000):
        hi = rng.randrange(0x10000)
        for lo in (0x7FFF, 0x8000, 0x8001, 0x0000, 0xFFFF):
            bits.add((hi << 16) | lo)
        bits.add(rng.randrange(1 << 32))
    # ties for float16: float32 values exactly halfway between two halves
    for h in range(0, 0x7BFF, 8):
        a = torch.tensor([h], dtype=torch.int16).view(torch.float16).double().item()
        b = torch.tensor([h + 1], dtype=torch.int16).view(torch.float16).double().item()
        m = (a + b) / 2
        if struct.unpack("<f", struct.pack("<f", m))[0] == m:
            bits.add(f32_bits(m))
            bits.add(f32_bits(-m))
    bits = sorted(bits)
    arr = torch.tensor([b - (1 << 32) if b >= (1 << 31) else b for b in bits], dtype=torch.int64)
    f = arr.to(torch.int32).view(torch.float32)
    h = f.to(torch.float16).view(torch.int16).to(torch.int64) & 0xFFFF
    bf = f.to(torch.bfloat16).view(torch.int16).to(torch.int64) & 0xFFFF
    out = ["@@ float32_to_float16"]
    out += [f"{b:08x} {int(x):04x}" for b, x in zip(bits, h.tolist())]
    out.append("@@ float32_to_bfloat16")
    out += [f"{b:08x} {int(x):04x}" for b, x in zip(bits, bf.tolist())]
    return out


def main():
    with open(os.path.join(HERE, "promotion.txt"), "w") as f:
        f.write("\n".join(promotion()) + "\n")
    with open(os.path.join(HERE, "conversions.txt"), "w") as f:
        f.write("\n".join(conversions()) + "\n")


if __name__ == "__main__":
    main()
