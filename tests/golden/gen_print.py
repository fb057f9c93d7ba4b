#!/usr/bin/python3
"""Writes print.txt: repr() of a broad corpus of tensors, torch.Size reprs and Python float reprs,
as Debian's PyTorch 1.13 prints them.

Run with Debian's PyTorch from anywhere: /usr/bin/python3 tests/golden/gen_print.py

Records
  @@ case/NNN-what   one tensor printout:
      dtype NAME                      (float32, int64, ...)
      shape N N ...                   (nothing after "shape" for 0-dim)
      opts PRECISION THRESHOLD EDGEITEMS LINEWIDTH SCI   (THRESHOLD "inf" or an int; SCI -1/0/1)
      default float32|float64         (torch.get_default_dtype() while printing)
      grad none | requires_grad | fn NAME   (NAME: type(t.grad_fn).__name__)
      data V V ...                    (row-major logical values: raw bits in hex for floating
                                       dtypes, decimal for integers, 0/1 for bool)
      repr                            (then every following line is the printout)
   or error TYPE: MESSAGE            (instead of repr: what printing raised)
  @@ sizes           lines "N N ...|torch.Size([...])" ("" before '|' for torch.Size([]))
  @@ floats          lines "HEXBITS REPR" (64-bit pattern, Python's repr(float))
"""
import math
import os
import random
import struct

import torch

HERE = os.path.dirname(os.path.abspath(__file__))

DEFAULT_OPTS = dict(precision=4, threshold=1000, edgeitems=3, linewidth=80, sci_mode=None)

BITS_VIEW = {
    torch.float16: (torch.int16, 0xFFFF, 4),
    torch.bfloat16: (torch.int16, 0xFFFF, 4),
    torch.float32: (torch.int32, 0xFFFFFFFF, 8),
    torch.float64: (torch.int64, 0xFFFFFFFFFFFFFFFF, 16),
}


def encode(t):
    t = t.detach().contiguous().reshape(-1)
    if t.dtype in BITS_VIEW:
        view, mask, width = BITS_VIEW[t.dtype]
        return [format(int(v) & mask, f"0{width}x") for v in t.view(view).tolist()]
    if t.dtype == torch.bool:
        return ["1" if v else "0" for v in t.tolist()]
    return [str(int(v)) for v in t.tolist()]


class Corpus:
    def __init__(self):
        self.out = []
        self.n = 0

    def case(self, what, t, opts=None, default=torch.float32, grad="none"):
        """Prints t under the given options and default dtype. grad: "none", "requires_grad"
        (t becomes a leaf that requires grad) or "fn" (t must carry a grad_fn)."""
        o = dict(DEFAULT_OPTS)
        o.update(opts or {})
        if grad == "requires_grad":
            t = t.detach().clone().requires_grad_(True)
        grad_line = "none"
        if grad == "requires_grad":
            grad_line = "requires_grad"
        elif grad == "fn":
            grad_line = "fn " + type(t.grad_fn).__name__
        torch.set_printoptions(**o)
        torch.set_default_dtype(default)
        try:
            text = "repr\n" + repr(t)
        except Exception as e:  # noqa: BLE001 - the message is the golden value
            text = f"error {type(e).__name__}: {e}"
        finally:
            torch.set_printoptions(profile="default", sci_mode=None)
            torch.set_default_dtype(torch.float32)
        thr = o["threshold"]
        thr = "inf" if thr == math.inf else str(int(thr))
        sci = {None: -1, False: 0, True: 1}[o["sci_mode"]]
        self.out.append(f"@@ case/{self.n:03d}-{what}")
        self.n += 1
        self.out.append("dtype " + str(t.dtype).replace("torch.", ""))
        self.out.append(("shape " + " ".join(str(s) for s in t.shape)).rstrip())
        self.out.append(f"opts {o['precision']} {thr} {o['edgeitems']} {o['linewidth']} {sci}")
        self.out.append("default " + str(default).replace("torch.", ""))
        self.out.append("grad " + grad_line)
        self.out.append(("data " + " ".join(encode(t))).rstrip())
        for line in text.split("\n"):
            # golden.h: a line starting with "@@" is written "@@@..."
            self.out.append("@" + line if line.startswith("@@") else line)


ALL_DTYPES = [torch.bool, torch.uint8, torch.int8, torch.int16, torch.int32, torch.int64,
              torch.float16, torch.bfloat16, torch.float32, torch.float64]
INT_DTYPES = [torch.uint8, torch.int8, torch.int16, torch.int32, torch.int64]
FLOAT_DTYPES = [torch.float16, torch.bfloat16, torch.float32, torch.float64]

nan, inf = math.nan, math.inf


def tensors(c):
    g = torch.Generator().manual_seed(1234)

    def randn(*shape, dtype=torch.float32, scale=1.0):
        return (torch.randn(*shape, generator=g, dtype=torch.float64) * scale).to(dtype)

    def name(dt):
        return str(dt).replace("torch.", "")

    # ----- every dtype: 0-dim, 1-D, 2-D, empty -----
    for dt in ALL_DTYPES:
        n = name(dt)
        v = True if dt == torch.bool else (7 if dt == torch.uint8 else -7 if not dt.is_floating_point else -2.5)
        c.case(f"0d-{n}", torch.tensor(v, dtype=dt))
        if dt == torch.bool:
            c.case(f"1d-{n}", torch.tensor([True, False, True]))
            c.case(f"1d-{n}-alltrue", torch.tensor([True, True]))
            c.case(f"2d-{n}", torch.tensor([[True, False], [False, False], [True, True]]))
        elif dt.is_floating_point:
            c.case(f"1d-{n}", torch.tensor([1.5, -2.25, 3.0, 0.1], dtype=dt))
            c.case(f"1d-{n}-int", torch.tensor([1.0, -2.0, 30.0], dtype=dt))
            c.case(f"2d-{n}", randn(3, 4, dtype=dt))
            c.case(f"sci-{n}", torch.tensor([1e-3, 12.5, 3e4], dtype=dt))
            c.case(f"nonfinite-{n}", torch.tensor([nan, inf, -inf, 1.5, -0.0], dtype=dt))
        else:
            info = torch.iinfo(dt)
            c.case(f"1d-{n}", torch.tensor([0, 1, 5, 100], dtype=dt))
            c.case(f"1d-{n}-extremes", torch.tensor([info.min, 0, info.max], dtype=dt))
            c.case(f"2d-{n}", torch.arange(12, dtype=torch.int64).reshape(3, 4).to(dt))
        c.case(f"empty-{n}", torch.empty(0, dtype=dt))
        c.case(f"empty-0x3-{n}", torch.empty(0, 3, dtype=dt))
        c.case(f"empty-default64-{n}", torch.empty(2, 0, dtype=dt), default=torch.float64)

    # ----- shapes -----
    c.case("0d-zero", torch.tensor(0.0))
    c.case("0d-negzero", torch.tensor(-0.0))
    c.case("0d-nan", torch.tensor(nan))
    c.case("0d-inf", torch.tensor(-inf))
    c.case("0d-int-mode", torch.tensor(42.0))
    c.case("0d-sci", torch.tensor(1.5e10))
    c.case("0d-small", torch.tensor(1.5e-7))
    c.case("0d-f64", torch.tensor(3.14159265358979, dtype=torch.float64))
    c.case("1x1", torch.tensor([[2.5]]))
    c.case("3d", randn(2, 3, 4))
    c.case("4d", randn(2, 2, 2, 3))
    c.case("4d-int", torch.arange(-20, 28).reshape(2, 3, 2, 4))
    c.case("5d", torch.arange(32, dtype=torch.float32).reshape(2, 2, 2, 2, 2))
    c.case("2d-col", torch.tensor([[1.0], [2.0], [3.0]]))
    for shape in [(3, 0), (0, 2, 3), (2, 0, 3), (2, 3, 0), (1, 0), (0, 0), (2, 1, 0, 4)]:
        c.case("empty-" + "x".join(map(str, shape)), torch.empty(*shape))
        c.case("empty-int-" + "x".join(map(str, shape)), torch.empty(*shape, dtype=torch.int64))

    # ----- formatter branches -----
    fl = [
        ("int-mode", [1.0, 2.0, 3.0]),
        ("int-mode-neg", [-1.0, 20.0, -300.0]),
        ("int-mode-nonfinite", [1.0, nan, inf, -inf]),
        ("int-mode-ratio-1000", [1.0, 1000.0]),
        ("int-mode-ratio-1001", [1.0, 1001.0]),
        ("int-mode-1e8", [1e8, 2.0e7]),
        ("int-mode-above-1e8", [1.0000001e8 + 8, 2.0e7]),
        ("int-mode-large", [123456789.0]),
        ("int-mode-zeros", [0.0, 0.0]),
        ("all-zero-negzero", [-0.0, 0.0]),
        ("negzero-alone", [-0.0]),
        ("negzero-with-frac", [-0.0, 1.5]),
        ("negzero-with-int", [-0.0, 3.0]),
        ("nan-only", [nan, nan]),
        ("inf-only", [inf, -inf]),
        ("nan-zero", [nan, 0.0]),
        ("frac", [0.5, 1.25, -3.75]),
        ("frac-ratio-1000", [0.5, 500.0]),
        ("frac-ratio-over", [0.5, 500.5]),
        ("frac-above-1e8", [1.5e8, 2.5e8]),
        ("frac-1e-4", [1e-4, 0.5]),
        ("frac-below-1e-4", [9.9e-5, 0.05]),
        ("round-0.99995", [0.99995, 0.5]),
        ("round-0.99996", [0.99996, 0.5]),
        ("round-half", [0.00005, 0.00015, 0.00025, 0.5]),
        ("round-up-width", [9.99996, 1.5]),
        ("sci-mixed", [1e-8, 1.0, nan, -inf, 0.0]),
        ("sci-big-exponent", [1e-30, 1e30]),
        ("negative-frac", [-0.001, -0.5, -123.456]),
        ("mixed-width", [1234.5678, -0.5, 2.0]),
        ("pi-e", [math.pi, math.e, -math.sqrt(2)]),
        ("one-third", [1 / 3, 2 / 3]),
        ("subnormal", [1e-40, 1.0]),
        ("max-f32", [3.4028234663852886e38, -1.0]),
    ]
    for what, vals in fl:
        c.case(what, torch.tensor(vals))
        c.case(what + "-f64", torch.tensor(vals, dtype=torch.float64))
    c.case("f64-huge", torch.tensor([1.5e300, -2e-300, 0.0], dtype=torch.float64))
    c.case("f64-max", torch.tensor([1.7976931348623157e308, 1.0], dtype=torch.float64))
    c.case("f64-int-huge", torch.tensor([1e300, 1.0], dtype=torch.float64), opts=dict(sci_mode=False))
    c.case("f64-frac-huge-fixed", torch.tensor([1.5e20, 0.25], dtype=torch.float64), opts=dict(sci_mode=False))
    c.case("f64-denormal", torch.tensor([5e-324, -5e-324], dtype=torch.float64))
    c.case("f16-max", torch.tensor([65504.0, -0.1], dtype=torch.float16))
    c.case("f16-subnormal", torch.tensor([6e-8, 1.0], dtype=torch.float16))
    c.case("bf16-huge", torch.tensor([1e38, 3.140625], dtype=torch.bfloat16))
    c.case("bf16-int", torch.tensor([256.0, 257.0, -3.0], dtype=torch.bfloat16))
    negnan = torch.tensor([struct.unpack("<f", struct.pack("<I", 0xFFC00000))[0], 1.5])
    c.case("negative-nan", negnan)
    c.case("negative-nan-f64", torch.tensor([-nan, 2.0], dtype=torch.float64).neg().neg())
    c.case("randn-f32", randn(7))
    c.case("randn-f64", randn(7, dtype=torch.float64))
    c.case("randn-scaled", randn(6, scale=1e5))
    c.case("randn-tiny", randn(6, scale=1e-5))
    c.case("ints-wide", torch.tensor([-123456789012, 5, 42]))

    # ----- line wrapping at 80 columns -----
    c.case("wrap-arange-float", torch.arange(30, dtype=torch.float32))
    c.case("wrap-randn-20", randn(20))
    c.case("wrap-int-40", torch.arange(-20, 20) * 1000)
    c.case("wrap-sci-15", randn(15, scale=1e6) * torch.tensor(10.0) ** torch.arange(-7, 8))
    c.case("wrap-2d", randn(3, 14))
    c.case("wrap-3d", randn(2, 2, 11))
    c.case("wrap-bool", torch.arange(40) % 3 == 0)
    c.case("wrap-f64-long", randn(12, dtype=torch.float64, scale=1e3))
    c.case("wrap-exact-13", torch.arange(13, dtype=torch.float32) + 0.5)  # 6+2 wide: 9 per line
    c.case("wrap-int64-extremes", torch.tensor([torch.iinfo(torch.int64).min] * 5 + [7]))

    # ----- summarised (> threshold) -----
    c.case("summary-arange-1001", torch.arange(1001))
    c.case("summary-float-1001", torch.arange(1001, dtype=torch.float32) / 7)
    c.case("summary-hidden-big", torch.cat([torch.ones(600), torch.tensor([1e10]), torch.full((600,), 2.0)]))
    c.case("summary-hidden-nan", torch.cat([torch.ones(600) * 0.5, torch.tensor([nan]), torch.full((600,), 2.25)]))
    c.case("summary-2d", randn(40, 30))
    c.case("summary-2d-narrow", randn(500, 3))
    c.case("summary-2d-wide", randn(3, 500))
    c.case("summary-3d", torch.arange(1331, dtype=torch.float32).reshape(11, 11, 11) - 600)
    c.case("summary-4d", torch.arange(2 * 3 * 13 * 13).reshape(2, 3, 13, 13))
    c.case("summary-bool", torch.arange(1200).reshape(30, 40) % 7 == 0)
    c.case("summary-f16", (torch.arange(1100) * 0.25).to(torch.float16))
    c.case("at-threshold-1000", torch.arange(1000).reshape(10, 100) % 10)

    # ----- print options -----
    small = torch.tensor([1.23456789, -0.000123, 42.5])
    c.case("opt-precision-2", small, opts=dict(precision=2))
    c.case("opt-precision-0", torch.tensor([1.5, 2.5, -0.25]), opts=dict(precision=0))
    c.case("opt-precision-0-sci", torch.tensor([1.5, 2.5e6]), opts=dict(precision=0))
    c.case("opt-precision-8", small, opts=dict(precision=8))
    c.case("opt-precision-10-f64", torch.tensor([math.pi, 1 / 3], dtype=torch.float64), opts=dict(precision=10))
    c.case("opt-precision-neg", torch.tensor([1.5]), opts=dict(precision=-1))
    c.case("opt-precision-neg-int-ok", torch.tensor([1, 2]), opts=dict(precision=-1))
    c.case("opt-precision-neg-intmode-ok", torch.tensor([1.0, 2.0]), opts=dict(precision=-1))
    c.case("opt-precision-neg-zeros-ok", torch.tensor([0.0, nan]), opts=dict(precision=-1))
    c.case("opt-sci-false", small, opts=dict(sci_mode=False))
    c.case("opt-sci-false-intmode", torch.tensor([1.0, 1e9]), opts=dict(sci_mode=False))
    c.case("opt-sci-true", torch.tensor([1.5, 2.25]), opts=dict(sci_mode=True))
    c.case("opt-sci-true-intmode", torch.tensor([1.0, 2.0, nan]), opts=dict(sci_mode=True))
    c.case("opt-sci-true-zeros", torch.tensor([0.0, nan]), opts=dict(sci_mode=True))
    c.case("opt-sci-true-int-dtype", torch.tensor([1, 2]), opts=dict(sci_mode=True))
    c.case("opt-linewidth-40", randn(12), opts=dict(linewidth=40))
    c.case("opt-linewidth-40-2d", randn(3, 6), opts=dict(linewidth=40))
    c.case("opt-linewidth-5", torch.arange(5.0), opts=dict(linewidth=5))
    c.case("opt-linewidth-40-grad", randn(3), opts=dict(linewidth=40), grad="requires_grad")
    c.case("opt-threshold-10", torch.arange(20), opts=dict(threshold=10, edgeitems=2))
    c.case("opt-threshold-10-2d", randn(5, 6), opts=dict(threshold=10, edgeitems=2))
    c.case("opt-threshold-10-3d", torch.arange(120).reshape(4, 5, 6), opts=dict(threshold=10, edgeitems=2))
    c.case("opt-threshold-10-4d", torch.arange(2 * 5 * 3 * 6, dtype=torch.float64).reshape(2, 5, 3, 6) * 1.5,
           opts=dict(threshold=10, edgeitems=2))
    c.case("opt-threshold-10-small-dims", torch.arange(16).reshape(4, 4), opts=dict(threshold=10, edgeitems=2))
    c.case("opt-threshold-0-0d", torch.tensor(2.5), opts=dict(threshold=0))
    c.case("opt-threshold-0-1d", torch.tensor([2.5, 3.5, 1.0]), opts=dict(threshold=0, edgeitems=1))
    c.case("opt-edgeitems-1", torch.arange(10.0), opts=dict(threshold=5, edgeitems=1))
    c.case("opt-edgeitems-0-1d", torch.arange(10), opts=dict(threshold=5, edgeitems=0))
    c.case("opt-edgeitems-neg-1d", torch.arange(10), opts=dict(threshold=5, edgeitems=-2))
    c.case("opt-edgeitems-0-2d", torch.arange(12).reshape(3, 4), opts=dict(threshold=5, edgeitems=0))
    c.case("opt-edgeitems-5", torch.arange(30.0) * 1.5, opts=dict(threshold=20, edgeitems=5))
    c.case("opt-profile-full", torch.arange(1100), opts=dict(threshold=inf))
    c.case("opt-short", randn(2, 3), opts=dict(precision=2, edgeitems=2))
    c.case("opt-summary-hidden-frac", torch.tensor([1.0, 2.0, 0.5, 3.0, 4.0]), opts=dict(threshold=3, edgeitems=2))

    # ----- suffixes -----
    c.case("grad-1d", torch.tensor([1.0, 2.0]), grad="requires_grad")
    c.case("grad-0d", torch.tensor(1.5), grad="requires_grad")
    c.case("grad-f64", torch.tensor([1.0, 2.0], dtype=torch.float64), grad="requires_grad")
    c.case("grad-f16", torch.tensor([1.0, 2.0], dtype=torch.float16), grad="requires_grad")
    c.case("grad-empty", torch.empty(0), grad="requires_grad")
    c.case("grad-empty-2d-f64", torch.empty(0, 4, dtype=torch.float64), grad="requires_grad")
    c.case("grad-wrap-suffix", torch.tensor([1.2345, 2.5, -3.75, 4.125, 5.5, 6.25, 7.0, 8.5, 9.75, 10.5]),
           grad="requires_grad")
    c.case("grad-wrap-dtype", torch.tensor([1.25, 2.5, -3.75, 4.125, 5.5, 6.25, 7.0, 8.5], dtype=torch.float64),
           grad="requires_grad")
    c.case("grad-2d", randn(3, 3), grad="requires_grad")
    c.case("grad-long-row", randn(11), grad="requires_grad")
    for k in range(5, 10):  # last line lengths around the 80-column limit
        c.case(f"grad-len-{k}", torch.arange(k, dtype=torch.float64) + 0.5, grad="requires_grad")
    # suffixes at the 80-column edge: "tensor([...])" lines of 58 and 59 characters
    c.case("suffix-edge-grad-fits", torch.tensor([1234567.1234567, 2345.5, 3456.5], dtype=torch.float64),
           opts=dict(precision=7), default=torch.float64, grad="requires_grad")
    c.case("suffix-edge-grad-wraps", torch.tensor([1.0, 2, 3, 4, 5, 6, 7, 8, 9, 1, 2, 3, 4]), grad="requires_grad")
    c.case("suffix-edge-grad-wraps-sci", torch.tensor([-1e-5, 1.0, 2.0, 3.0]), grad="requires_grad")
    c.case("suffix-edge-dtype-fits", torch.tensor([100.5, 200.25, 300.5, 400.5, 500.5], dtype=torch.float64))
    c.case("suffix-edge-dtype-wraps", torch.tensor([1234567.1234567, 2345.5, 3456.5], dtype=torch.float64),
           opts=dict(precision=7))
    c.case("suffix-edge-both", torch.tensor([1000.0, 2000.0, 3000.0, 4000.0, 5000.0, 6000.0, 7000.0],
                                            dtype=torch.float64), grad="requires_grad")
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    c.case("fn-mul", x * 2, grad="fn")
    c.case("fn-sum", (x * x).sum(), grad="fn")
    c.case("fn-f64", x.double() + 1, grad="fn")
    c.case("fn-2d-wrap", (torch.arange(16.0).reshape(2, 8).requires_grad_() * 1.0625).exp(), grad="fn")
    c.case("dtype-f32-under-f64-default", torch.tensor([1.5, 2.0], dtype=torch.float32), default=torch.float64)
    c.case("dtype-f64-under-f64-default", torch.tensor([1.5, 2.0], dtype=torch.float64), default=torch.float64)
    c.case("dtype-int32-under-f64", torch.tensor([1, 2], dtype=torch.int32), default=torch.float64)
    c.case("dtype-int64-under-f64", torch.tensor([1, 2]), default=torch.float64)
    c.case("dtype-f16-under-f64", torch.tensor([0.5], dtype=torch.float16), default=torch.float64)
    c.case("grad-f64-under-f64", torch.tensor([0.5], dtype=torch.float64), default=torch.float64,
           grad="requires_grad")

    # ----- non-contiguous inputs (the values are what matter; the C test rebuilds layouts) -----
    m = randn(4, 5)
    c.case("noncontig-transpose", m.t())
    c.case("noncontig-step", torch.arange(20.0)[::3])
    c.case("noncontig-2d-step", m[::2, 1::2])
    c.case("noncontig-expand", torch.tensor([[1.5], [2.5]]).expand(2, 4))
    c.case("noncontig-expand-int", torch.tensor([7, 8, 9]).expand(3, 3))
    c.case("noncontig-permute-3d", torch.arange(24).reshape(2, 3, 4).permute(2, 0, 1))


def sizes():
    shapes = [(), (0,), (1,), (2, 3), (1, 2, 3, 4), (0, 5), (123456789012,), tuple(range(1, 9))]
    return [" ".join(map(str, s)) + "|" + repr(torch.Size(s)) for s in shapes]


def floats():
    vals = [0.0, -0.0, inf, -inf, nan, 1.0, -1.0, 0.1, 0.2, 0.1 + 0.2, 1 / 3, 2 / 3, 1.5, 100.0,
            1e16, 1e15, 123456789012345.0, 1234567890123456.0, 12345678901234567.0, 9999999999999998.0,
            1e-4, 1e-5, 0.0001234, 1.5e300, -1.5e-300, 5e-324, 2.2250738585072014e-308,
            1.7976931348623157e308, 2.0 ** 53, 2.0 ** 63, 2.0 ** 64, 1e22, 1e23, 9.999999999999999e22,
            0.3, 2.675, 1.1, 3.14159, math.pi, math.e, 1e100, 123.456, -987654.321, 0.5, 0.25, 1e-7]
    vals += [10.0 ** k for k in range(-30, 31)]
    # lopsided rounding intervals at powers of two
    vals += [2.0 ** k for k in range(-1074, 1024, 3)] + [2.0 ** k for k in range(-64, 65)]
    vals += [math.nextafter(2.0 ** k, inf) for k in range(-1070, 1024, 7)]
    vals += [math.nextafter(2.0 ** k, 0) for k in range(-1070, 1024, 7)]
    rng = random.Random(42)
    for _ in range(400):
        b = rng.getrandbits(64)
        v = struct.unpack("<d", struct.pack("<Q", b))[0]
        if math.isfinite(v):
            vals.append(v)
    for _ in range(200):  # short decimals, as code writes them
        vals.append(round(rng.uniform(-1000, 1000), rng.randint(0, 6)))
    for _ in range(100):  # float32 values seen as doubles (item() of float32 tensors)
        vals.append(struct.unpack("<f", struct.pack("<f", rng.uniform(-10, 10)))[0])
    return [f"{struct.unpack('<Q', struct.pack('<d', v))[0]:016x} {v!r}" for v in vals]


def main():
    c = Corpus()
    tensors(c)
    out = c.out
    out.append("@@ sizes")
    out.extend(sizes())
    out.append("@@ floats")
    out.extend(floats())
    with open(os.path.join(HERE, "print.txt"), "w") as f:
        f.write("\n".join(out) + "\n")
    print(f"{c.n} cases")


if __name__ == "__main__":
    main()
