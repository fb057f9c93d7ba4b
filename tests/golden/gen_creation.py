#!/usr/bin/python3
"""Writes creation.txt: arange/linspace values (exact bits), inferred dtypes, and creation errors.

Run with Debian's PyTorch: /usr/bin/python3 tests/golden/gen_creation.py
"""
import os

import torch

HERE = os.path.dirname(os.path.abspath(__file__))


def bits(t):
    """Values as exact hex floats (floating) or decimal integers, one per line."""
    if t.dtype.is_floating_point:
        return [float(v).hex() for v in t.double().tolist()]
    return [str(int(v)) for v in t.tolist()]


def record(out, name, lines):
    out.append(f"@@ {name}")
    out.extend(lines)


def err(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - the message is the golden value
        return f"{type(e).__name__}: {e}"
    return "no error"


def main():
    out = []
    # name: (start, end, step, dtype or None)
    aranges = {
        "arange_int_0_10": (0, 10, 1, None),
        "arange_int_neg": (5, -7, -3, None),
        "arange_f_0_1_0.1": (0.0, 1.0, 0.1, None),
        "arange_f_long": (0.0, 5.0, 0.07, None),
        "arange_f_long_f64": (0.0, 5.0, 0.07, torch.float64),
        "arange_f_neg": (3.0, -2.5, -0.3, None),
        "arange_f16": (0.0, 3.0, 0.1, torch.float16),
        "arange_bf16": (0.0, 3.0, 0.1, torch.bfloat16),
        "arange_int_as_f32": (0, 40, 1, torch.float32),
        "arange_f_to_int": (0.5, 9.7, 1.3, torch.int64),
        "arange_i32": (-3, 100, 7, torch.int32),
        "arange_f_2000": (-1.0, 139.0, 0.07, None),
    }
    for name, (s, e, st, dt) in aranges.items():
        t = torch.arange(s, e, st, dtype=dt)
        record(out, name, [str(t.dtype)] + bits(t))
    linspaces = {
        "linspace_0_1_5": (0.0, 1.0, 5, None),
        "linspace_m3_7_50": (-3.0, 7.0, 50, None),
        "linspace_f64_100": (-1.0, 2.0, 100, torch.float64),
        "linspace_int": (0, 10, 4, torch.int64),
        "linspace_one": (2.5, 9.0, 1, None),
        "linspace_f16": (0.0, 1.0, 7, torch.float16),
        "linspace_f32_1000": (0.3, 9.1, 1000, None),
        "linspace_f32_neg_999": (5.5, -17.25, 999, None),
        "linspace_f64_333": (-2.0, 3.7, 333, torch.float64),
    }
    for name, (s, e, n, dt) in linspaces.items():
        t = torch.linspace(s, e, n, dtype=dt)
        record(out, name, [str(t.dtype)] + bits(t))
    record(out, "dtype_full_int", [str(torch.full((2,), 3).dtype)])
    record(out, "dtype_full_float", [str(torch.full((2,), 3.0).dtype)])
    record(out, "dtype_full_bool", [str(torch.full((2,), True).dtype)])
    record(out, "dtype_tensor_mixed", [str(torch.tensor([1, 2.0]).dtype)])
    record(out, "dtype_tensor_ints", [str(torch.tensor([1, 2]).dtype)])
    record(out, "dtype_tensor_bools", [str(torch.tensor([True, False]).dtype)])
    record(out, "dtype_tensor_empty", [str(torch.tensor([]).dtype)])
    record(out, "dtype_arange_int", [str(torch.arange(3).dtype)])
    record(out, "dtype_arange_float", [str(torch.arange(3.0).dtype)])
    record(out, "eye_3_4", bits(torch.eye(3, 4).flatten()))
    record(out, "error_arange_zero_step", [err(lambda: torch.arange(0, 5, 0))])
    record(out, "error_arange_sign", [err(lambda: torch.arange(0, 5, -1))])
    record(out, "error_zeros_negative", [err(lambda: torch.zeros(2, -3))])
    record(out, "error_eye_negative", [err(lambda: torch.eye(-2))])
    record(out, "error_linspace_negative", [err(lambda: torch.linspace(0, 1, -1))])
    record(out, "error_arange_inf", [err(lambda: torch.arange(0, float("inf")))])
    record(out, "error_item", [err(lambda: torch.zeros(3).item())])
    record(out, "error_copy_shape", [err(lambda: torch.zeros(3).copy_(torch.ones(4)))])
    record(out, "error_alloc", [err(lambda: torch.empty(2**40, 2**10))])
    # clone keeps a dense layout, contiguous() does not
    a = torch.zeros(3, 4).t()
    record(out, "clone_strides_transposed", [str(a.clone().stride())])
    record(out, "clone_strides_sliced", [str(torch.zeros(4, 6)[:, ::2].clone().stride())])
    record(out, "contiguous_strides", [str(a.contiguous().stride())])
    record(out, "float_to_int_conversions",
           bits(torch.tensor([2.7, -2.7, 0.5, -0.5, 127.9, 300.0, -1.0]).to(torch.int64)) +
           bits(torch.tensor([2.7, -2.7, 300.0, -1.0, 255.5]).to(torch.uint8)) +
           bits(torch.tensor([2.7, -2.7, 300.0, -200.0]).to(torch.int8)))
    with open(os.path.join(HERE, "creation.txt"), "w") as f:
        f.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
