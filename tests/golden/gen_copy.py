#!/usr/bin/python3
"""Writes copy.txt: dtype conversions between every pair of dtypes (exact results), as
tensor.to(dtype) and dst.copy_(src) compute them in PyTorch.

Run with Debian's PyTorch: /usr/bin/python3 tests/golden/gen_copy.py
"""
import os

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
DTYPES = [torch.bool, torch.uint8, torch.int8, torch.int16, torch.int32, torch.int64,
          torch.float16, torch.bfloat16, torch.float32, torch.float64]

# Source values per source dtype: written as Python numbers the C test can rebuild exactly.
FLOATS = [0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 1.5, 2.5, -2.5, 2.7, -2.7, 100.25, 127.5, 128.0, 255.0,
          255.9, 256.0, -129.0, 300.0, 65504.0, 65519.0, 65520.0, 1e5, 3.4e38, 1e-8, 6e-8, 1e-40,
          0.1, 1.0 / 3.0, 2.0 ** 24 + 1, 2.0 ** 31, -2.0 ** 31, 2.0 ** 40, 1e20,
          float("inf"), float("-inf"), float("nan")]
INTS = [0, 1, -1, 2, 127, 128, 255, 256, -128, -129, 32767, 32768, -32769, 65504, 65520, 70000,
        2 ** 24 + 1, 2 ** 31 - 1, -2 ** 31, 2 ** 31, 2 ** 53 + 1, 2 ** 62, -2 ** 63]


def value_text(v, dt):
    if dt.is_floating_point:
        return float(v).hex()
    if dt == torch.bool:
        return "1" if v else "0"
    return str(int(v))


def main():
    out = []
    for src in DTYPES:
        if src.is_floating_point:
            vals = FLOATS
        elif src == torch.bool:
            vals = [False, True]
        else:
            vals = INTS
        # values as the source dtype actually holds them
        s = torch.tensor(vals, dtype=torch.float64 if src.is_floating_point else torch.int64).to(src) \
            if src != torch.bool else torch.tensor(vals)
        out.append(f"@@ source {str(src)}")
        out += [value_text(v, src) for v in s.tolist()]
        for dst in DTYPES:
            r = s.to(dst)
            out.append(f"@@ {str(src)} -> {str(dst)}")
            out += [value_text(v, dst) for v in r.tolist()]
    with open(os.path.join(HERE, "copy.txt"), "w") as f:
        f.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
