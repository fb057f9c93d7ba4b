#!/usr/bin/python3
"""Writes elementwise.txt: element-wise ops run by real PyTorch (1.13), one record per case.

Run with Debian's PyTorch: /usr/bin/python3 tests/golden/gen_elementwise.py

Record format (one token list per line; the C test rebuilds every input exactly):
  @@ cNNNN
  op KIND NAME [ARGS...]          KIND: binary binary_ alpha alpha_ unary unary_ clamp clamp_ where
                                        allclose equal
  in t DTYPE NDIM SHAPE... STRIDES... OFFSET N V0 V1 ...   a strided view of an N-element storage
                                                           (values encoded as for val below)
  in s i:5 | s f:0x1.8p+1 | s b:1                          a Python number (wrapped scalar)
  then either
  err Kind: message
  or
  out DTYPE NDIM SHAPE... STRIDES...    (strides as PyTorch allocated them)
  val V0 V1 ...                         (row-major; floating values as the hex bit pattern of their
                                        dtype, integers in decimal, 0/1 for bool)
  or, for allclose/equal,
  bool 0|1
Values of in-place cases are those of self after the op.
"""
import math
import os
import random

import torch

HERE = os.path.dirname(os.path.abspath(__file__))

DT = {
    "bool": torch.bool, "uint8": torch.uint8, "int8": torch.int8, "int16": torch.int16,
    "int32": torch.int32, "int64": torch.int64, "float16": torch.float16,
    "bfloat16": torch.bfloat16, "float32": torch.float32, "float64": torch.float64,
}
DTN = {v: k for k, v in DT.items()}
ALL = list(DT)
FLOATS = ["float16", "bfloat16", "float32", "float64"]
INTS = ["uint8", "int8", "int16", "int32", "int64"]

out = []
counter = [0]


def fmt_val(v, is_float):
    if is_float:
        v = float(v)
        if math.isnan(v):
            return "nan"
        return v.hex()
    return str(int(v))


BITS = {torch.float16: (torch.int16, 0xFFFF), torch.bfloat16: (torch.int16, 0xFFFF),
        torch.float32: (torch.int32, 0xFFFFFFFF), torch.float64: (torch.int64, 0xFFFFFFFFFFFFFFFF)}


def fmt_tensor_values(t):
    """Floating values as their exact bit patterns (short and exact), integers in decimal."""
    t = t.detach().contiguous().reshape(-1)
    if t.dtype.is_floating_point:
        ity, mask = BITS[t.dtype]
        return ["%x" % (v & mask) for v in t.view(ity).tolist()]
    return [fmt_val(v, False) for v in t.tolist()]


class T:
    """A tensor input: base storage values, dtype, view geometry."""

    def __init__(self, values, dtype, shape=None, strides=None, offset=0):
        self.base = torch.tensor(values, dtype=DT[dtype]).reshape(-1)
        self.dtype = dtype
        if shape is None:
            shape = (len(values),)
        if strides is None:
            strides = []
            acc = 1
            for s in reversed(shape):
                strides.insert(0, acc)
                acc *= max(s, 1)
        self.shape, self.strides, self.offset = tuple(shape), tuple(strides), offset

    def make(self):
        return self.base.clone().as_strided(self.shape, self.strides, self.offset)

    def line(self):
        vals = fmt_tensor_values(self.base)
        return " ".join(["in t", self.dtype, str(len(self.shape))] + [str(s) for s in self.shape] +
                        [str(s) for s in self.strides] + [str(self.offset), str(len(vals))] + vals)


class S:
    """A Python number."""

    def __init__(self, v):
        self.v = v

    def make(self):
        return self.v

    def line(self):
        if isinstance(self.v, bool):
            return f"in s b:{int(self.v)}"
        if isinstance(self.v, int):
            return f"in s i:{self.v}"
        return f"in s f:{fmt_val(self.v, True)}"


def contig(values, dtype, shape):
    return T(values, dtype, shape)


def transposed(values, dtype, rows, cols):
    """values laid out as rows x cols, viewed as its cols x rows transpose."""
    return T(values, dtype, (cols, rows), (1, cols), 0)


def scalar_line(v):
    return S(v).line()[5:]


def err_text(e):
    return f"{type(e).__name__}: {e}"


def emit(op_line, inputs, fn, inplace_self=None):
    counter[0] += 1
    rec = [f"@@ c{counter[0]:04d}", op_line] + [x.line() for x in inputs]
    args = [x.make() for x in inputs]
    try:
        r = fn(*args)
    except Exception as e:  # noqa: BLE001 - the message is the golden value
        rec.append("err " + err_text(e))
        out.extend(rec)
        return
    if isinstance(r, bool):
        rec.append(f"bool {int(r)}")
    else:
        if inplace_self is not None:
            assert r is args[0]
        rec.append(" ".join(["out", DTN[r.dtype], str(r.dim())] + [str(s) for s in r.shape] +
                            [str(s) for s in r.stride()]))
        rec.append(" ".join(["val"] + fmt_tensor_values(r)))
    out.extend(rec)


BIN = {
    "add": torch.add, "sub": torch.sub, "mul": torch.mul, "div": torch.div,
    "floor_divide": torch.floor_divide, "remainder": torch.remainder, "pow": torch.pow,
    "maximum": torch.maximum, "minimum": torch.minimum, "eq": torch.eq, "ne": torch.ne,
    "lt": torch.lt, "le": torch.le, "gt": torch.gt, "ge": torch.ge,
    "logical_and": torch.logical_and, "logical_or": torch.logical_or,
    "logical_xor": torch.logical_xor, "bitwise_and": torch.bitwise_and,
    "bitwise_or": torch.bitwise_or, "bitwise_xor": torch.bitwise_xor, "atan2": torch.atan2,
}
UN = {
    "neg": torch.neg, "abs": torch.abs, "exp": torch.exp, "log": torch.log, "log1p": torch.log1p,
    "expm1": torch.expm1, "sqrt": torch.sqrt, "rsqrt": torch.rsqrt, "sin": torch.sin,
    "cos": torch.cos, "tan": torch.tan, "tanh": torch.tanh, "sigmoid": torch.sigmoid,
    "relu": torch.relu, "sign": torch.sign, "floor": torch.floor, "ceil": torch.ceil,
    "round": torch.round, "trunc": torch.trunc, "reciprocal": torch.reciprocal,
    "square": torch.square, "logical_not": torch.logical_not, "bitwise_not": torch.bitwise_not,
    "isnan": torch.isnan, "isinf": torch.isinf, "isfinite": torch.isfinite,
}


def binary(name, a, b):
    emit(f"op binary {name}", [a, b], BIN[name])


def binary_(name, a, b):
    emit(f"op binary_ {name}", [a, b], lambda x, y: getattr(x, name + "_")(y), inplace_self=True)


def unary(name, a):
    emit(f"op unary {name}", [a], UN[name])


def unary_(name, a):
    emit(f"op unary_ {name}", [a], lambda x: getattr(x, name + "_")(), inplace_self=True)


# Sample values per dtype: specials, extremes, signed zeros, values that round.
VALS = {
    "bool": [False, True, True, False, True],
    "uint8": [0, 1, 7, 200, 255, 13],
    "int8": [-128, -7, 0, 5, 127, -1, 3],
    "int16": [-32768, -300, 0, 7, 32767, -1, 2],
    "int32": [-2147483648, -70000, 0, 9, 2147483647, -1, 3],
    "int64": [-9223372036854775808, -5000000000, 0, 11, 9223372036854775807, -1, 2],
    "float16": [-0.0, 0.0, 1.5, -2.5, float("nan"), float("inf"), -float("inf"), 0.0999755859375, 65504.0,
                6e-08],
    "bfloat16": [-0.0, 0.0, 1.5, -2.5, float("nan"), float("inf"), -float("inf"), 0.10009765625,
                 3.3895313892515355e38, 1e-39],
    "float32": [-0.0, 0.0, 1.5, -2.5, float("nan"), float("inf"), -float("inf"), 0.1, 3e38, 1e-45],
    "float64": [-0.0, 0.0, 1.5, -2.5, float("nan"), float("inf"), -float("inf"), 0.1, 1e308, 5e-324],
}
# Divisors without zero (integer division by zero raises).
DIVS = {
    "bool": [True, True],
    "uint8": [1, 3, 7, 255],
    "int8": [-128, -3, 1, 7, 127],
    "int16": [-300, -3, 1, 7, 32767],
    "int32": [-70000, -3, 1, 7, 2147483647],
    "int64": [-5000000000, -3, 1, 7, 9223372036854775807],
}


SAME_CODE_AS_ANOTHER = ("ne", "le", "ge", "logical_or", "logical_xor", "bitwise_or", "bitwise_xor", "minimum")


def grid(dtype, a_vals, b_vals):
    """a as a column (n, 1) and b as a row (m,): the op sees every pair."""
    return contig(a_vals, dtype, (len(a_vals), 1)), contig(b_vals, dtype, (len(b_vals),))


def rand_floats(n, scale, seed):
    rng = random.Random(seed)
    return [rng.uniform(-scale, scale) for _ in range(n)]


def main():
    # ---- every binary op on every dtype, all pairs of sample values ----
    for name in BIN:
        for dt in ALL:
            if name in SAME_CODE_AS_ANOTHER and dt not in ("bool", "int8", "int64", "float16", "bfloat16", "float64"):
                continue  # same kernels as eq/lt/gt/logical_and/bitwise_and/maximum: fewer dtypes
            bv = VALS[dt][1:7] if dt in FLOATS else VALS[dt][:5]
            if name in ("floor_divide", "remainder") and dt in DIVS:
                bv = DIVS[dt]
            if name == "pow" and dt in INTS:
                bv = [0, 1, 2, 3, 5] + ([-1, -2] if dt != "uint8" else [])
            if name == "pow" and dt == "bool":
                bv = [False, True]
            a, b = grid(dt, VALS[dt], bv)
            binary(name, a, b)
    # integer division by zero
    for dt in INTS:
        binary("floor_divide", contig([5, 3], dt, (2,)), contig([1, 0], dt, (2,)))
        binary("remainder", contig([5, 3], dt, (2,)), contig([0, 1], dt, (2,)))
    binary("floor_divide", contig([5, 3], "int64", (2,)), S(0))
    binary("remainder", contig([5, 3], "int32", (2,)), S(0))
    # ---- every unary op on every dtype ----
    for name in UN:
        for dt in ALL:
            vals = VALS[dt]
            if name == "log1p" and dt in FLOATS:
                # Sleef's log1p (PyTorch's vector path) returns inf above ~1e38; the engine returns the
                # correctly rounded log1p, so the largest finite value is left out here.
                vals = vals[:8] + vals[9:]
            unary(name, contig(vals, dt, (len(vals),)))
    # transcendental functions on many values (1 ulp allowed)
    for name in ("exp", "log", "log1p", "expm1", "sqrt", "rsqrt", "sin", "cos", "tan", "tanh", "sigmoid",
                 "reciprocal", "round"):
        for dt in ("bfloat16", "float32", "float64"):
            vals = rand_floats(12, 12.0, len(name)) + [0.5, 1.5, 2.5, -0.5, -2.5, 88.5, -100.0, 1e-8]
            if name in ("log", "sqrt", "rsqrt", "log1p"):
                vals = [abs(v) for v in vals]
            if name == "sigmoid":
                # PyTorch's 1 / (1 + exp(100)) overflows float32 to 0; the engine gives the correctly
                # rounded subnormal (tested from mathematics in the C test).
                vals.remove(-100.0)
            unary(name, contig(vals, dt, (len(vals),)))
    for name in ("add", "sub", "mul", "div", "pow", "atan2", "floor_divide", "remainder", "maximum"):
        for dt in FLOATS:
            av = rand_floats(12, 20.0, 7)
            bv = rand_floats(12, 5.0, 8)
            if name == "pow":
                av = [abs(v) for v in av]
            binary(name, contig(av, dt, (12,)), contig(bv, dt, (12,)))
    # ---- mixed dtypes: every pair ----
    small = {"bool": [True, False, True], "uint8": [3, 250, 0], "int8": [-3, 100, 1],
             "int16": [-3, 1000, 2], "int32": [-3, 100000, 3], "int64": [-3, 10**12, 4],
             "float16": [1.5, -0.0999755859375, 3.0], "bfloat16": [1.5, -0.10009765625, 3.0],
             "float32": [1.5, -0.1, 1e10], "float64": [1.5, -0.1, 1e100]}
    for d1 in ALL:
        for d2 in ALL:
            binary("add", contig(small[d1], d1, (3,)), contig(small[d2], d2, (3,)))
            if d2 in ("bool", "uint8", "int32", "bfloat16", "float64"):
                binary("div", contig(small[d1], d1, (3,)), contig(small[d2], d2, (3,)))
            if d2 in ("bool", "int8", "float16"):
                binary("lt", contig(small[d1], d1, (3,)), contig(small[d2], d2, (3,)))
    # ---- Python scalars and 0-dim tensors ----
    scalars = [S(-3), S(0.1), S(True), S(300)]
    for dt in ALL:
        t = contig(small[dt], dt, (3,))
        for sc in scalars:
            for name in ("add", "div", "floor_divide", "pow", "bitwise_and"):
                if name == "floor_divide" and isinstance(sc.v, (int, bool)) and sc.v == 0 and dt != "bool":
                    continue
                binary(name, t, sc)
            binary("sub", sc, t)
        for zdt in ALL:
            z = T([small[zdt][0]], zdt, (), (), 0)
            binary("mul" if zdt in ("bool", "float64") else "add", z if zdt == "int8" else t, t if zdt == "int8" else z)
    for sc in (S(2), S(0.1), S(True)):
        binary("pow", sc, contig([1.0, 2.0, 3.0], "float32", (3,)))
        binary("pow", sc, contig([1, 2, 3], "int32", (3,)))
        binary("eq", contig([1.0, 0.0, 2.0], "float16", (3,)), sc)
    for e in (0, 1, 2, 3, 0.5, -0.5, -1, -2, 0.3, -3, 10):
        for dt in FLOATS + ["bool", "uint8", "int32", "int64"]:
            vals = [0.5, 2.0, 3.0, 0.0, -1.5, 7.0] if dt in FLOATS else small[dt]
            if dt in FLOATS:
                vals = vals + rand_floats(4, 4.0, 3)
            binary("pow", contig(vals, dt, (len(vals),)), S(e))
    binary("pow", contig([2, 3], "int64", (2,)), T([-1], "int64", (), (), 0))
    # ---- special values and integer overflow ----
    binary("add", contig([9223372036854775807, -9223372036854775808], "int64", (2,)), S(1))
    binary("sub", contig([-9223372036854775808], "int64", (1,)), S(1))
    binary("mul", contig([4611686018427387904, 3037000500], "int64", (2,)), S(3))
    binary("mul", contig([100, -128, 127], "int8", (3,)), contig([3, -1, 2], "int8", (3,)))
    binary("add", contig([250], "uint8", (1,)), S(10))
    binary("sub", contig([3], "uint8", (1,)), S(10))
    binary("add", contig([1, 2], "int8", (2,)), S(300))
    unary("neg", contig([-9223372036854775808, 5], "int64", (2,)))
    unary("abs", contig([-128, -5, 7], "int8", (3,)))
    unary("neg", contig([0, 1, 255], "uint8", (3,)))
    binary("floor_divide", contig([-7, 7, -7, 7, 0], "int32", (5,)), contig([2, -2, -2, 2, 3], "int32", (5,)))
    binary("remainder", contig([-7, 7, -7, 7, 0], "int32", (5,)), contig([2, -2, -2, 2, 3], "int32", (5,)))
    binary("floor_divide", contig([-7.5, 7.5, -7.5, 7.5, 1.0, -1.0, 5.0], "float32", (7,)),
           contig([2.0, -2.0, -2.0, 2.0, 0.0, 0.0, float("inf")], "float32", (7,)))
    binary("remainder", contig([-7.5, 7.5, -7.5, 7.5, 1.0, -1.0, 5.0, -5.0], "float64", (8,)),
           contig([2.0, -2.0, -2.0, 2.0, 0.0, 0.0, float("inf"), float("inf")], "float64", (8,)))
    # ---- broadcasting and layouts ----
    a12 = list(range(12))
    f12 = [float(v) * 0.5 - 2.0 for v in range(12)]
    for dt in ("float32", "int64", "float16"):
        at = transposed(f12 if dt != "int64" else a12, dt, 3, 4)  # (4, 3), strides (1, 4)
        binary("add", at, S(1))
        binary("add", at, at)
        binary("add", at, contig(f12 if dt != "int64" else a12, dt, (4, 3)))
        binary("add", contig(f12 if dt != "int64" else a12, dt, (4, 3)), at)
        binary("mul", at, contig([1, 2, 3], dt, (3,)))
        binary("lt", at, contig([1, 2, 3, 4], dt, (4, 1)))
        unary("neg", at)
    base24 = [float(v) for v in range(24)]
    perm = T(base24, "float32", (4, 2, 3), (1, 12, 4), 0)  # zeros(2,3,4).permute(2,0,1)
    binary("add", perm, contig([1.0, 2.0, 3.0], "float32", (3,)))
    binary("add", contig([1.0, 2.0, 3.0, 4.0], "float32", (4, 1, 1)), perm)
    binary("sub", T(a12, "int32", (3, 2), (4, 2), 0), S(1))  # a[:, ::2]
    binary("add", T(f12, "float32", (4, 1, 3), (1, 3, 4), 0), contig([0.0] * 60, "float32", (4, 5, 3)))
    binary("add", T([1.0, 2.0, 3.0], "float32", (3, 1), (1, 3), 0), T([1.0, 2.0, 3.0], "float32", (3, 1), (1, 3), 0))
    binary("mul", T([2.0, 3.0], "float64", (3, 2), (0, 1), 0), T([1.0, 2.0, 3.0], "float64", (3, 2), (1, 0), 0))
    binary("add", T(base24, "float32", (2, 3), (12, 1), 1), T(base24, "float32", (2, 3), (-0 + 1, 2), 5))
    binary("add", T(base24, "float32", (3,), (-1,), 10) if False else T(base24, "float32", (3,), (3,), 2),
           T(base24, "float32", (3,), (2,), 1))
    cl = T(list(range(24)), "float32", (2, 3, 2, 2), (12, 1, 6, 3), 0)  # channels last
    binary("add", cl, cl)
    binary("add", cl, S(1.0))
    binary("add", cl, contig([0.0] * 2, "float32", (2,)))
    binary("add", contig([1.0, 2.0], "float32", (2,)), contig([1.0, 2.0, 3.0], "float32", (3,)))
    binary("add", contig([1.0] * 6, "float32", (2, 3)), contig([1.0] * 16, "float32", (4, 1, 4)))
    binary("add", contig([], "float32", (0, 3)), contig([1.0, 2.0, 3.0], "float32", (3,)))
    binary("add", T([], "float32", (2, 0), (1, 2), 0), S(1))
    # ---- in-place ----
    for dt in ALL:
        binary_("add", contig(small[dt], dt, (3,)), contig(small["float32"], "float32", (3,)))
        binary_("add", contig(small[dt], dt, (3,)), S(2))
        binary_("mul", contig(small[dt], dt, (3,)), contig(small["int64"], "int64", (3,)))
        binary_("div", contig(small[dt], dt, (3,)), S(2))
        binary_("eq", contig(small[dt], dt, (3,)), contig(small[dt], dt, (3,)))
        binary_("logical_and", contig(small[dt], dt, (3,)), S(1.5) if False else contig([1, 0, 1], "int64", (3,)))
        binary_("bitwise_and", contig(small[dt], dt, (3,)), S(1.5))
        binary_("floor_divide", contig(small[dt], dt, (3,)), S(2))
        binary_("pow", contig(small[dt], dt, (3,)), S(2))
        binary_("atan2", contig(small[dt], dt, (3,)), contig([1.0, 2.0, 3.0], "float32", (3,)))
        binary_("sub", contig(small[dt], dt, (3,)), S(True))
        unary_("neg", contig(small[dt], dt, (3,)))
        unary_("exp", contig(small[dt], dt, (3,)))
        unary_("abs", contig(small[dt], dt, (3,)))
        unary_("logical_not", contig(small[dt], dt, (3,)))
        unary_("square", contig(small[dt], dt, (3,)))
        unary_("floor", contig(small[dt], dt, (3,)))
        unary_("bitwise_not", contig(small[dt], dt, (3,)))
        unary_("relu", contig(small[dt], dt, (3,)))
    binary_("add", contig([0.0] * 3, "float32", (3,)), contig([1.0] * 6, "float32", (2, 3)))
    binary_("add", T([1.0, 2.0, 3.0], "float32", (2, 3), (0, 1), 0), S(1))
    binary_("add", T([0.0, 1.0, 2.0, 3.0, 4.0, 5.0], "float32", (5,), (1,), 1),
            T([0.0, 1.0, 2.0, 3.0, 4.0, 5.0], "float32", (5,), (1,), 0))
    binary_("add", contig([1.0, 2.0], "float32", (2,)), contig([1.0, 2.0, 3.0], "float32", (3,)))
    binary_("add", transposed(f12, "float32", 3, 4), contig([1.0, 2.0, 3.0], "float32", (3,)))
    binary_("mul", T(base24, "float64", (3, 2), (4, 2), 1), S(-2.0))
    unary_("sqrt", T(base24, "float32", (3, 2), (1, 3), 0))
    unary_("neg", T([1.0, 2.0], "float32", (2, 2), (0, 1), 0))
    binary_("pow", contig([1, 2], "int8", (2,)), S(-1))
    binary_("pow", T([1, 2], "int8", (2, 2), (0, 1), 0), S(2))
    binary("pow", contig([1, 2], "int64", (2,)), contig([1.0, 2.0, 3.0], "float32", (3,)))
    # ---- add / sub with alpha ----
    for dt in ALL:
        for al in (2, 0.1, True, 1.5) if dt != "int8" else (-3, 300):
            for nm in ("add", "sub"):
                emit(f"op alpha {nm} {scalar_line(al)}", [contig(small[dt], dt, (3,)), contig(small[dt], dt, (3,))],
                     lambda x, y, nm=nm, al=al: getattr(torch, nm)(x, y, alpha=al))
        emit(f"op alpha_ add {scalar_line(2)}", [contig(small[dt], dt, (3,)), S(3)],
             lambda x, y: x.add_(y, alpha=2), inplace_self=True)
    for dt in FLOATS:
        for al in (0.1, -0.7, 3.0):
            emit(f"op alpha add {scalar_line(al)}", [contig(rand_floats(16, 10.0, 1), dt, (16,)),
                                                     contig(rand_floats(16, 10.0, 2), dt, (16,))],
                 lambda x, y, al=al: torch.add(x, y, alpha=al))
            emit(f"op alpha sub {scalar_line(al)}", [contig(rand_floats(16, 10.0, 3), dt, (16,)),
                                                     contig(rand_floats(16, 10.0, 4), dt, (16,))],
                 lambda x, y, al=al: torch.sub(x, y, alpha=al))
    emit(f"op alpha add {scalar_line(3)}", [contig([9223372036854775807], "int64", (1,)), S(4611686018427387904)],
         lambda x, y: torch.add(x, y, alpha=3))
    emit(f"op alpha_ sub {scalar_line(0.5)}", [contig([1.0, 2.0], "float32", (2,)), contig([4.0, 8.0], "float32", (2,))],
         lambda x, y: x.sub_(y, alpha=0.5), inplace_self=True)
    emit(f"op alpha add {scalar_line(2)}", [contig([1.0, 2.0], "float32", (2,)), contig([1.0, 2.0, 3.0], "float32", (3,))],
         lambda x, y: torch.add(x, y, alpha=2))
    emit(f"op alpha add {scalar_line(1.5)}", [contig([1, 2], "int64", (2,)), contig([1, 2, 3], "int64", (3,))],
         lambda x, y: torch.add(x, y, alpha=1.5))
    emit(f"op alpha_ add {scalar_line(1.5)}", [contig([1, 2], "int64", (2,)), contig([1.0, 2.0], "float32", (2,))],
         lambda x, y: x.add_(y, alpha=1.5), inplace_self=True)
    emit(f"op alpha_ add {scalar_line(True)}", [contig([1.0, 2.0], "float32", (2,)), contig([1.0, 2.0], "float32", (2,))],
         lambda x, y: x.add_(y, alpha=True), inplace_self=True)
    emit(f"op alpha_ add {scalar_line(2)}", [T([1.0, 2.0], "float32", (2, 2), (0, 1), 0), contig([1.0, 2.0, 3.0], "float32", (3,))],
         lambda x, y: x.add_(y, alpha=2), inplace_self=True)
    # ---- clamp ----
    for dt in ALL:
        vals = VALS[dt]
        t = contig(vals, dt, (len(vals),))
        cands = [(1, None), (None, 2), (1, 2), (1.5, 2), (None, 2.5), (3, 1), (True, None), (-1, 5),
                 (0.5, float("nan")), (float("nan"), None), (None, float("nan")), (-100, 100), (300, None)]
        for lo, hi in cands:
            emit(f"op clamp {'none' if lo is None else scalar_line(lo)} {'none' if hi is None else scalar_line(hi)}",
                 [t], lambda x, lo=lo, hi=hi: torch.clamp(x, lo, hi))
        for lo, hi in ((1, None), (1.5, None), (None, True), (True, True), (-1, 2)):
            emit(f"op clamp_ {'none' if lo is None else scalar_line(lo)} {'none' if hi is None else scalar_line(hi)}",
                 [contig(small[dt], dt, (3,))], lambda x, lo=lo, hi=hi: x.clamp_(lo, hi), inplace_self=True)
    emit("op clamp none none", [contig([1.0], "float32", (1,))], lambda x: torch.clamp(x))
    emit(f"op clamp {scalar_line(1e300)} none", [contig([1.0], "float32", (1,))], lambda x: torch.clamp(x, 1e300))
    emit(f"op clamp {scalar_line(0.0)} {scalar_line(1.0)}", [transposed(f12, "float32", 3, 4)],
         lambda x: torch.clamp(x, 0.0, 1.0))
    # ---- where ----
    cond = contig([True, False, True], "bool", (3,))
    for d1 in ALL:
        for d2 in ("bool", "uint8", "int32", "int64", "float16", "float32", "float64"):
            emit("op where", [cond, contig(small[d1], d1, (3,)), contig(small[d2], d2, (3,))], torch.where)
    for s1, s2 in ((S(1), S(0)), (S(1.0), S(0)), (S(True), S(False)), (S(2), S(0.5))):
        emit("op where", [cond, s1, s2], torch.where)
    emit("op where", [cond, contig([1, 2, 3], "int32", (3,)), S(0)], torch.where)
    emit("op where", [cond, contig([1, 2, 3], "int64", (3,)), S(0.5)], torch.where)
    emit("op where", [cond, contig([1, 2, 3], "int32", (3,)), T([0.5], "float64", (), (), 0)], torch.where)
    emit("op where", [contig([1, 0, 2], "uint8", (3,)), contig([1.0, 2.0, 3.0], "float32", (3,)), S(-1.0)], torch.where)
    emit("op where", [contig([1.0, 0.0, 2.0], "float32", (3,)), contig([1.0, 2.0, 3.0], "float32", (3,)), S(-1.0)],
         torch.where)
    emit("op where", [contig([True, False], "bool", (2,)), contig([1.0, 2.0, 3.0], "float32", (3,)), S(0.0)],
         torch.where)
    emit("op where", [contig([True, False, False, True], "bool", (4, 1)), transposed(f12, "float32", 3, 4),
                      contig([0.0, 1.0, 2.0], "float32", (3,))], torch.where)
    emit("op where", [T([1, 0] * 6, "bool", (4, 3), (3, 1), 0), transposed(f12, "float32", 3, 4),
                      transposed(f12, "float32", 3, 4)], torch.where)
    # ---- allclose / equal ----
    fa = [1.0, 2.0, float("nan"), 1e-9]
    fb = [1.0 + 1e-6, 2.0, float("nan"), 0.0]
    for dt in ("float32", "float64", "int64", "bool", "bfloat16"):
        va = fa if dt in FLOATS else small[dt]
        vb = fb if dt in FLOATS else small[dt]
        for rtol, atol, en in ((1e-5, 1e-8, False), (1e-5, 1e-8, True), (0.0, 0.0, True), (1e-7, 0.0, True),
                               (0.1, 0.5, False)):
            emit(f"op allclose {float(rtol).hex()} {float(atol).hex()} {int(en)}",
                 [contig(va, dt, (len(va),)), contig(vb, dt, (len(vb),))],
                 lambda x, y, r=rtol, a=atol, e=en: torch.allclose(x, y, rtol=r, atol=a, equal_nan=e))
    emit(f"op allclose {float(1e-5).hex()} {float(1e-8).hex()} 0",
         [contig([1.0, 2.0], "float32", (2,)), contig([1.0, 2.0], "float64", (2,))],
         lambda x, y: torch.allclose(x, y))
    emit(f"op allclose {float(1e-5).hex()} {float(1e-8).hex()} 0",
         [contig([1.0, 2.0], "float32", (2,)), contig([1.0, 2.0, 3.0], "float32", (3,))],
         lambda x, y: torch.allclose(x, y))
    emit(f"op allclose {float(1e-5).hex()} {float(1e-8).hex()} 0",
         [contig([1.0, 2.0], "float32", (2,)), contig([1.0], "float32", (1,))], lambda x, y: torch.allclose(x, y))
    emit(f"op allclose {float(-1).hex()} {float(1e-8).hex()} 0",
         [contig([1.0], "float32", (1,)), contig([1.0], "float32", (1,))], lambda x, y: torch.allclose(x, y, rtol=-1))
    emit(f"op allclose {float(1e-5).hex()} {float(-2.5).hex()} 0",
         [contig([1.0], "float32", (1,)), contig([1.0], "float32", (1,))],
         lambda x, y: torch.allclose(x, y, atol=-2.5))
    emit(f"op allclose {float(0.0).hex()} {float(0.5).hex()} 0",
         [contig([1, 5], "int64", (2,)), contig([2, 5], "int64", (2,))], lambda x, y: torch.allclose(x, y, 0.0, 0.5))
    for x, y in (([1.0, 2.0], [1.0, 2.0]), ([1.0, float("nan")], [1.0, float("nan")]), ([1.0, 2.0], [1.0, 2.5])):
        emit("op equal", [contig(x, "float32", (2,)), contig(y, "float32", (2,))], torch.equal)
    emit("op equal", [contig([1.0, 2.0], "float32", (2,)), contig([1.0, 2.0], "float64", (2,))], torch.equal)
    emit("op equal", [contig([1.0, 2.0], "float32", (2,)), contig([1.0], "float32", (1,))], torch.equal)
    emit("op equal", [transposed(f12, "float32", 3, 4), contig(f12, "float32", (4, 3))], torch.equal)
    emit("op equal", [contig([1, 2], "int64", (2,)), contig([1.0, 2.0], "float32", (2,))], torch.equal)

    with open(os.path.join(HERE, "elementwise.txt"), "w") as f:
        f.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
