#!/usr/bin/python3
"""Writes reduce.txt: reductions computed by real PyTorch, with exact result bits, and their errors.

Run with Debian's PyTorch 1.13: /usr/bin/python3 tests/golden/gen_reduce.py

PyTorch's float reductions depend on the CPU kernel flavour and on the thread count (large
reductions are split between threads), so this script pins both: the AVX2 kernels and one thread.

Each record "case/N" has two header lines and then the values:
  line 1, the case: OP DTYPE NBASE GEN SHAPE STRIDES OFFSET DIMS KEEPDIM ARG
      the input is torch.as_strided(base, SHAPE, STRIDES, OFFSET) of a 1-D base tensor of NBASE
      elements made by generator GEN (see base_tensor(), which test-reduce.c mirrors exactly);
      lists are comma-separated, "-" is an empty shape / no dims (reduce everything) / no argument;
      ARG is the dtype= argument (sum, mean, prod, cumsum, cumprod) or the correction (var, std).
  line 2, the result: "DTYPE SHAPE" (e.g. "torch.float32 3,5"), or "error Kind: message".
  then one value per line in row-major order: the bit pattern in hex for floating types (4 hex
  digits for 16-bit formats, 8 for float32, 16 for float64; "nan" for any NaN), decimal for
  integers and bools. More than 8 values are stored as the first 4 and "fnv DIGEST", the 64-bit
  FNV-1a of all value lines joined by newlines (except for logsumexp, compared within 1 ulp).
"""
import os

os.environ.setdefault("ATEN_CPU_CAPABILITY", "avx2")

import torch  # noqa: E402

torch.set_num_threads(1)

HERE = os.path.dirname(os.path.abspath(__file__))

DTYPES = {
    "bool": torch.bool,
    "uint8": torch.uint8,
    "int8": torch.int8,
    "int16": torch.int16,
    "int32": torch.int32,
    "int64": torch.int64,
    "float16": torch.float16,
    "bfloat16": torch.bfloat16,
    "float32": torch.float32,
    "float64": torch.float64,
}
FLOAT_BITS = {"float16": 11, "bfloat16": 8, "float32": 24, "float64": 52}
INT_RANGE = {"uint8": (256, 0), "int8": (256, -128), "int16": (65536, -32768),
             "int32": (2**32, -2**31), "int64": (2**40, -2**39)}
WIDE = {"float16": (15, 24), "bfloat16": (21, 25), "float32": (31, 40), "float64": (41, 70)}
ALL = list(DTYPES)
FLOATS = ["float16", "bfloat16", "float32", "float64"]
INTS = ["uint8", "int8", "int16", "int32", "int64"]


def base_tensor(dtype, n, gen):
    """Deterministic inputs, exactly representable in their dtype.

    m = i * 2654435761 + 12345 for i in 0..n-1, then
      gen 0 (signed):   floats (m mod 2^b - 2^(b-1)) * 2^-(b-5) with b the significand bits
                        (11, 8, 24, 52); ints m mod R + lo; bool m mod 3 == 0
      gen 1 (positive): floats (m mod 2^b) * 2^-b; ints m mod 7; bool m mod 5 != 0
      gen 2 (special):  gen 0, then NaN where i mod 11 == 3, +inf where i mod 13 == 5, -inf
                        where i mod 17 == 7 (floats only)
      gen 3 (products): ((i*7+3) mod 3 + 1) * (-1 if i odd else 1), halved for floats
      gen 4 (wide):     floats (m mod 2^b - 2^(b-1)) * 2^((i*7 mod K) - S), magnitudes spread over
                        K binades so that every order of additions rounds differently
                        (K, S = 15, 24 / 21, 25 / 31, 40 / 41, 70 for the four float types)
      gen 5 (late NaN): gen 0 with NaN where i mod 1000 == 997 (floats only)
    """
    i = torch.arange(n, dtype=torch.int64)
    m = i * 2654435761 + 12345
    if dtype == "bool":
        return (m % 3 == 0) if gen in (0, 2) else ((m % 5 != 0) if gen == 1 else (i % 4 != 1))
    sign = torch.where(i % 2 == 1, -1, 1)
    if dtype in FLOAT_BITS:
        b = FLOAT_BITS[dtype]
        if gen == 1:
            v = (m % 2**b).double() * 2.0**-b
        elif gen == 3:
            v = (((i * 7 + 3) % 3 + 1) * sign).double() * 0.5
        elif gen == 4:
            k, sh = WIDE[dtype]
            v = ((m % 2**b) - 2**(b - 1)).double() * torch.pow(2.0, ((i * 7) % k - sh).double())
        else:
            v = ((m % 2**b) - 2**(b - 1)).double() * 2.0**-(b - 5)
        if gen == 5:
            v[i % 1000 == 997] = float("nan")
        if gen == 2:
            v[i % 11 == 3] = float("nan")
            v[i % 13 == 5] = float("inf")
            v[i % 17 == 7] = float("-inf")
        return v.to(DTYPES[dtype])
    if gen == 1:
        v = m % 7
    elif gen == 3:
        v = ((i * 7 + 3) % 3 + 1) * sign
    else:
        r, lo = INT_RANGE[dtype]
        v = m % r + lo
    return v.to(DTYPES[dtype])


def fmt_list(xs):
    return ",".join(str(x) for x in xs) if xs else "-"


def fnv(lines):
    """FNV-1a (64-bit) of the value lines joined by newlines: long outputs are stored as their first
    values and this digest."""
    h = 0xCBF29CE484222325
    for b in "\n".join(lines).encode():
        h = ((h ^ b) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return "%016x" % h


def values(t, op):
    v = raw_values(t)
    if len(v) > 8 and op != "logsumexp":  # logsumexp is compared within 1 ulp: no digest
        return v[:4] + ["fnv " + fnv(v)]
    return v


def raw_values(t):
    t = t.contiguous().reshape(-1)
    if t.dtype.is_floating_point:  # NaN payloads and signs are not PyTorch's contract
        return ["nan" if v != v else b for v, b in zip(t.double().tolist(), raw_bits(t))]
    return raw_bits(t)


def raw_bits(t):
    if t.dtype in (torch.float16, torch.bfloat16):
        return ["%04x" % (v & 0xFFFF) for v in t.view(torch.int16).tolist()]
    if t.dtype == torch.float32:
        return ["%08x" % (v & 0xFFFFFFFF) for v in t.view(torch.int32).tolist()]
    if t.dtype == torch.float64:
        return ["%016x" % (v & 0xFFFFFFFFFFFFFFFF) for v in t.view(torch.int64).tolist()]
    return [str(int(v)) for v in t.tolist()]


def run(op, x, dims, keepdim, arg):
    """dims: None (everything) or a tuple; arg: dtype name, correction, or None."""
    dt = DTYPES[arg] if isinstance(arg, str) else None
    alldims = tuple(range(x.dim())) if dims is None else dims
    if op == "sum":
        return x.sum(dim=alldims, keepdim=keepdim, dtype=dt)
    if op == "mean":
        return x.mean(dim=alldims, keepdim=keepdim, dtype=dt)
    if op == "prod":
        if dims is None:
            r = x.prod(dtype=dt)
            return r.reshape([1] * x.dim()) if keepdim else r
        return x.prod(dims[0], keepdim=keepdim, dtype=dt)
    if op in ("amax", "amin"):
        return getattr(x, op)(dim=dims if dims is not None else (), keepdim=keepdim)
    if op in ("var", "std"):
        return getattr(x, op)(dim=dims, correction=arg, keepdim=keepdim)
    if op == "logsumexp":
        return x.logsumexp(dim=alldims if x.dim() else 0, keepdim=keepdim)
    if op in ("any", "all"):
        if dims is None:
            r = getattr(x, op)()
            return r.reshape([1] * x.dim()) if keepdim else r
        return getattr(x, op)(dims[0], keepdim=keepdim)
    if op in ("max", "min"):
        return getattr(x, op)()
    if op in ("max_dim_v", "max_dim_i", "min_dim_v", "min_dim_i"):
        r = getattr(x, op[:3])(dims[0], keepdim=keepdim)
        return r[0] if op.endswith("_v") else r[1]
    if op in ("argmax", "argmin"):
        return getattr(x, op)(dim=None if dims is None else dims[0], keepdim=keepdim)
    if op in ("cumsum", "cumprod"):
        return getattr(x, op)(dims[0], dtype=dt)
    raise ValueError(op)


class Cases:
    def __init__(self):
        self.out = []
        self.n = 0
        self.seen = set()

    def add(self, op, dtype, nbase, gen, shape, strides, offset, dims, keepdim, arg=None):
        spec = " ".join([op, dtype, str(nbase), str(gen), fmt_list(shape), fmt_list(strides), str(offset),
                         "-" if dims is None else fmt_list(dims), "1" if keepdim else "0",
                         "-" if arg is None else str(arg)])
        if spec in self.seen:
            return
        self.seen.add(spec)
        base = base_tensor(dtype, nbase, gen)
        x = torch.as_strided(base, shape, strides, offset)
        # "op@N": computed with torch.set_num_threads(N) (every other case with one thread)
        name, _, threads = op.partition("@")
        torch.set_num_threads(int(threads) if threads else 1)
        try:
            r = run(name, x, dims, keepdim, arg)
            lines = [f"{r.dtype} {fmt_list(list(r.shape))}"] + values(r, name)
        except Exception as e:  # noqa: BLE001 - the message is the golden value
            lines = [f"error {type(e).__name__}: {e}"]
        finally:
            torch.set_num_threads(1)
        self.out.append(f"@@ case/{self.n}")
        self.out.append(spec)
        self.out.extend(lines)
        self.n += 1


def contiguous_strides(shape):
    st, acc = [], 1
    for s in reversed(shape):
        st.insert(0, acc)
        acc *= max(s, 1)
    return st


# Layouts: (name, nbase, shape, strides, offset)
LAYOUTS = [
    ("contig3", 60, [3, 4, 5], [20, 5, 1], 0),
    ("transposed", 20, [5, 4], [1, 5], 0),
    ("sliced", 31, [3, 4], [10, 2], 1),
    ("expanded", 4, [3, 4], [0, 1], 0),
    ("permuted3", 60, [5, 3, 4], [1, 20, 5], 0),
    ("scalar", 3, [], [], 2),
]
DIMS_3D = [None, (0,), (-1,), (0, 2), (1,)]
DIMS_2D = [None, (0,), (-1,)]


def main():
    c = Cases()
    ops_dtypes = {
        "sum": ALL, "mean": FLOATS, "prod": ALL, "amax": ALL, "amin": ALL, "var": FLOATS, "std": FLOATS,
        "logsumexp": ["bfloat16", "float32", "float64", "int64", "bool"], "any": ALL, "all": ALL,
    }
    single_dim_ops = {"prod", "any", "all"}
    for op, dts in ops_dtypes.items():
        for dt in dts:
            for lname, nbase, shape, strides, off in LAYOUTS:
                if lname == "contig3":
                    dimsets = DIMS_3D
                elif lname == "permuted3":
                    dimsets = [None, (0, 2)]
                else:
                    dimsets = [None, (-1,)] if lname != "transposed" else DIMS_2D
                for dims in dimsets:
                    if op in single_dim_ops and dims is not None and len(dims) > 1:
                        continue
                    # integers and bools need no summation-order coverage: fewer layouts
                    if dt not in FLOATS and (lname in ("sliced", "permuted3") or dims in ((1,), (-1,))):
                        continue
                    for keepdim in (False, True):
                        if keepdim and (lname != "contig3" or dims not in (None, (0, 2)) or (dims is None and op in single_dim_ops)):
                            continue
                        gens = [0] if op != "prod" else [3]
                        if dt in FLOATS and lname == "contig3" and not keepdim and dims in (None, (0,)):
                            gens = gens + [2]
                        if op in ("any", "all"):
                            gens = [0, 1] if dt in ("bool", "uint8", "float32") else [1]
                        for g in gens:
                            arg = 1 if op in ("var", "std") else None
                            c.add(op, dt, nbase, g, shape, strides, off, dims, keepdim, arg)
    # dtype= arguments
    for op in ("sum", "prod", "mean", "cumsum", "cumprod"):
        for dt, arg in [("int32", "int64"), ("int64", "int32"), ("float32", "float64"), ("float32", "int64"),
                        ("float64", "float16"), ("int8", "float32"), ("bool", "bool"), ("float32", "bool"),
                        ("uint8", "int8"), ("float16", "float32")]:
            dims = (1,) if op in ("cumsum", "cumprod") else (0,)
            c.add(op, dt, 60, 3 if op in ("prod", "cumprod") else 0, [3, 4, 5], [20, 5, 1], 0, dims, False, arg)
            if op not in ("cumsum", "cumprod"):
                c.add(op, dt, 60, 3 if op in ("prod", "cumprod") else 0, [3, 4, 5], [20, 5, 1], 0, None, False, arg)
    # size-1 dims with arbitrary strides (they take part in TensorIterator's dimension sort)
    for shape, strides in (([3, 1, 40], [40, 7, 1]), ([40, 1, 3], [1, 999, 40]), ([1, 120], [5, 1])):
        for dims in (None, (0,), (1,), (0, 1), (-1,)):
            for keepdim in (False, True):
                c.add("sum", "float32", 120, 4, shape, strides, 0, dims, keepdim)
                c.add("sum", "float16", 120, 4, shape, strides, 0, dims, keepdim)
    # keepdim for the single-dim ops
    for op in ("prod", "any", "all"):
        for dt in ("bool", "int64", "float32", "float64"):
            c.add(op, dt, 60, 3 if op == "prod" else 0, [3, 4, 5], [20, 5, 1], 0, (1,), True)
    # var/std corrections
    for op in ("var", "std"):
        for dt in FLOATS:
            for corr in (0, 1, 2, 5):
                c.add(op, dt, 60, 0, [3, 4, 5], [20, 5, 1], 0, None, False, corr)
                c.add(op, dt, 60, 0, [3, 4, 5], [20, 5, 1], 0, (1,), True, corr)
                c.add(op, dt, 2, 0, [1, 2], [2, 1], 0, (1,), False, corr)
                c.add(op, dt, 2, 0, [1, 2], [2, 1], 0, (0,), False, corr)
    # max/min whole, max/min over a dim, argmax/argmin, cumsum/cumprod
    for dt in ALL:
        for lname, nbase, shape, strides, off in LAYOUTS:
            for g in ([0, 2] if dt in FLOATS else [0, 1]):
                if g == 2 and lname != "contig3":
                    continue
                if dt not in FLOATS and (lname in ("sliced", "permuted3") or (g == 1 and lname != "contig3")):
                    continue
                for op in ("max", "min"):
                    c.add(op, dt, nbase, g, shape, strides, off, None, False)
                for op in ("max_dim_v", "max_dim_i", "min_dim_v", "min_dim_i", "argmax", "argmin"):
                    for dims in ([None, (0,), (-1,)] if op.startswith("arg") else [(0,), (-1,)]):
                        for keepdim in (False, True):
                            if keepdim and (lname != "contig3" or g != 0):
                                continue
                            c.add(op, dt, nbase, g, shape, strides, off, dims, keepdim)
                for op in ("cumsum", "cumprod"):
                    for dims in [(0,), (-1,)]:
                        c.add(op, dt, nbase, g if op == "cumsum" else 3, shape, strides, off, dims, False)
    # a single NaN far into the data (past the vector loops' first blocks)
    for dt in FLOATS:
        for op in ("amax", "amin", "max", "min", "argmax", "argmin"):
            c.add(op, dt, 1000, 5, [1000], [1], 0, None, False)
        for op in ("amax", "amin", "argmax", "max_dim_i", "min_dim_v"):
            c.add(op, dt, 1000, 5, [10, 100], [100, 1], 0, (1,), False)
    # ties: argmax / max(dim) pick the first maximum
    for op in ("argmax", "argmin", "max_dim_i", "min_dim_i"):
        c.add(op, "int64", 6, 3, [4, 6], [0, 1], 0, (1,), False)
        c.add(op, "float32", 6, 3, [6, 4], [1, 0], 0, (0,), False)
        c.add(op, "int64", 6, 3, [24], [0], 0, (0,) if "dim" in op else None, False)
    # large float sums: the cascade's order of additions shows in the last bits
    for n in (10, 1000, 100000, 1000003):
        for g in (0, 1, 4):
            c.add("sum", "float32", n, g, [n], [1], 0, None, False)
            c.add("mean", "float32", n, g, [n], [1], 0, None, False)
    for n in (1000, 100003):
        for dt in ("float16", "bfloat16", "float64"):
            for g in (1, 4):
                c.add("sum", dt, n, g, [n], [1], 0, None, False)
                c.add("mean", dt, n, g, [n], [1], 0, None, False)
    # With more threads PyTorch cuts a reduction to one value of GRAIN_SIZE (32768) elements or more
    # into pieces (TensorIterator's two_pass_reduction), one per thread: "op@N" cases run with
    # torch.set_num_threads(N).
    for threads in (2, 3, 4):
        for dt in FLOATS:
            for n in (32767, 32768, 65537, 100003):  # around the grain size
                c.add(f"sum@{threads}", dt, n, 4, [n], [1], 0, None, False)
        c.add(f"sum@{threads}", "float32", 1000003, 1, [1000003], [1], 0, None, False)
        c.add(f"mean@{threads}", "float32", 1000003, 1, [1000003], [1], 0, None, False)
        c.add(f"mean@{threads}", "bfloat16", 100003, 4, [100003], [1], 0, None, False)
        # N-D and strided: pieces that start and end inside rows
        c.add(f"sum@{threads}", "float32", 48010, 4, [20, 30, 40], [2400, 80, 2], 3, None, False)
        c.add(f"sum@{threads}", "float32", 36000, 4, [40, 30, 30], [1, 40, 1200], 0, None, False)
        c.add(f"sum@{threads}", "bfloat16", 70000, 4, [70, 1000], [1, 70], 0, None, False)
        c.add(f"sum@{threads}", "float64", 70000, 4, [1000, 70], [70, 1], 0, (0, 1), True)
        c.add(f"amax@{threads}", "float32", 100000, 5, [100000], [1], 0, None, False)
        c.add(f"amin@{threads}", "float64", 100000, 4, [100000], [1], 0, None, False)
        c.add(f"sum@{threads}", "int64", 100000, 0, [100000], [1], 0, None, False)
    # several outputs: the threads split the outputs, each output's sum is the one-thread sum
    c.add("sum@2", "float32", 37000, 4, [1000, 37], [37, 1], 0, (0,), False)
    c.add("sum@2", "float32", 37000, 4, [1000, 37], [37, 1], 0, (1,), False)
    for n in (17, 100, 257, 5000, 65537):  # sizes around the cascade's level and vector boundaries
        for dt in FLOATS:
            c.add("sum", dt, n, 4, [n], [1], 0, None, False)
    c.add("sum", "float16", 70001, 1, [70001], [1], 0, None, False)
    c.add("mean", "float16", 70001, 1, [70001], [1], 0, None, False)
    c.add("var", "float32", 100000, 1, [100000], [1], 0, None, False, 1)
    c.add("std", "float32", 100000, 1, [100000], [1], 0, None, False, 0)
    c.add("logsumexp", "float32", 100000, 0, [100000], [1], 0, None, False)
    c.add("cumsum", "float32", 10000, 1, [10000], [1], 0, (0,), False)
    c.add("cumsum", "float16", 3000, 1, [3000], [1], 0, (0,), False)
    # 2-D and 3-D geometries: inner, outer (vectorised and scalar), transposed, sliced, mixed dims
    geoms = [
        (21000, [300, 70], [70, 1], 0),
        (21000, [70, 300], [1, 70], 0),
        (37000, [1000, 37], [37, 1], 0),
        (24000, [20, 30, 40], [1200, 40, 1], 0),
        (48010, [20, 30, 40], [2400, 80, 2], 3),
        (24000, [40, 30, 20], [1, 40, 1200], 0),
        (600, [5, 600], [0, 1], 0),
    ]
    for dt in FLOATS:
        for nbase, shape, strides, off in geoms:
            dimsets = [None, (0,), (-1,)] + ([(0, 2), (1,), (0, 1)] if len(shape) == 3 else [])
            for dims in dimsets:
                c.add("sum", dt, nbase, 1, shape, strides, off, dims, False)
                c.add("sum", dt, nbase, 4, shape, strides, off, dims, False)
                if dims is not None and dt in ("float32", "float16"):
                    c.add("mean", dt, nbase, 0, shape, strides, off, dims, False)
                    c.add("var", dt, nbase, 0, shape, strides, off, dims, False, 1)
                if dt == "float64":
                    c.add("var", dt, nbase, 4, shape, strides, off, dims, False, 1)
                    c.add("std", dt, nbase, 4, shape, strides, off, dims, False, 0)
                if dims is not None and len(dims) == 2 and dt == "float32":
                    c.add("logsumexp", dt, nbase, 0, shape, strides, off, dims, False)
        c.add("prod", dt, 21000, 3, [300, 70], [70, 1], 0, (0,), False)
        c.add("prod", dt, 21000, 3, [70, 300], [300, 1], 0, (1,), False)
        c.add("prod", dt, 300, 3, [300], [1], 0, None, False)
    # errors
    errs = [
        ("mean", "int64", 60, 0, [3, 4, 5], [20, 5, 1], 0, None, False, None),
        ("mean", "int32", 60, 0, [3, 4, 5], [20, 5, 1], 0, None, False, None),
        ("mean", "float32", 60, 0, [3, 4, 5], [20, 5, 1], 0, None, False, "int64"),
        ("var", "int64", 60, 0, [3, 4, 5], [20, 5, 1], 0, None, False, 1),
        ("std", "bool", 60, 0, [3, 4, 5], [20, 5, 1], 0, (0,), False, 1),
        ("sum", "float32", 60, 0, [3, 4, 5], [20, 5, 1], 0, (0, 0), False, None),
        ("sum", "float32", 60, 0, [3, 4, 5], [20, 5, 1], 0, (0, -3), False, None),
        ("sum", "float32", 60, 0, [3, 4, 5], [20, 5, 1], 0, (3,), False, None),
        ("amax", "float32", 60, 0, [3, 4, 5], [20, 5, 1], 0, (-4,), False, None),
        ("amax", "float32", 60, 0, [3, 4, 5], [20, 5, 1], 0, (1, 1), False, None),
        ("sum", "float32", 3, 0, [], [], 0, (0, -1), False, None),
        ("sum", "float32", 3, 0, [], [], 0, (1,), False, None),
        ("max", "float32", 1, 0, [0], [1], 0, None, False, None),
        ("min", "float32", 1, 0, [0, 3], [3, 1], 0, None, False, None),
        ("amax", "float32", 1, 0, [0, 3], [3, 1], 0, None, False, None),
        ("amin", "int64", 1, 0, [0, 3], [3, 1], 0, None, False, None),
        ("amax", "float32", 1, 0, [0, 3], [3, 1], 0, (0,), False, None),
        ("amax", "float32", 1, 0, [0, 3], [3, 1], 0, (1,), False, None),
        ("amin", "float32", 1, 0, [3, 0, 2], [2, 2, 1], 0, (0, 1), False, None),
        ("argmax", "float32", 1, 0, [0], [1], 0, None, False, None),
        ("argmin", "float32", 1, 0, [0, 3], [3, 1], 0, (0,), False, None),
        ("argmax", "float32", 1, 0, [0, 3], [3, 1], 0, (1,), False, None),
        ("argmax", "bool", 6, 0, [6], [1], 0, None, False, None),
        ("argmax", "float32", 6, 0, [2, 3], [3, 1], 0, (2,), False, None),
        ("max_dim_v", "float32", 1, 0, [0, 3], [3, 1], 0, (0,), False, None),
        ("max_dim_v", "float32", 1, 0, [0, 3], [3, 1], 0, (1,), False, None),
        ("min_dim_i", "float32", 1, 0, [2, 0], [1, 1], 0, (1,), False, None),
        ("max_dim_v", "float32", 6, 0, [2, 3], [3, 1], 0, (-3,), False, None),
        ("cumsum", "float32", 6, 0, [2, 3], [3, 1], 0, (2,), False, None),
        ("cumsum", "float32", 6, 0, [2, 3], [3, 1], 0, (0,), False, "bool"),
        ("cumprod", "int64", 6, 0, [2, 3], [3, 1], 0, (0,), False, "bool"),
        ("logsumexp", "float16", 6, 0, [2, 3], [3, 1], 0, (0,), False, None),
        # empty inputs that are not errors
        ("sum", "float32", 1, 0, [0, 3], [3, 1], 0, (0,), False, None),
        ("sum", "int32", 1, 0, [0, 3], [3, 1], 0, None, False, None),
        ("prod", "float32", 1, 0, [0, 3], [3, 1], 0, (0,), False, None),
        ("mean", "float32", 1, 0, [0, 3], [3, 1], 0, (0,), False, None),
        ("var", "float32", 1, 0, [0, 3], [3, 1], 0, (0,), False, 1),
        ("std", "float32", 1, 0, [0, 3], [3, 1], 0, None, False, 1),
        ("logsumexp", "float32", 1, 0, [0, 3], [3, 1], 0, (0,), False, None),
        ("any", "float32", 1, 0, [0, 3], [3, 1], 0, (0,), False, None),
        ("all", "float32", 1, 0, [0, 3], [3, 1], 0, (0,), False, None),
        ("amax", "float32", 1, 0, [0, 3], [3, 1], 0, (1,), False, None),
        ("max_dim_i", "float32", 1, 0, [0, 3], [3, 1], 0, (1,), False, None),
        ("argmax", "float32", 1, 0, [0, 3], [3, 1], 0, (1,), False, None),
        ("cumsum", "float32", 1, 0, [0, 3], [3, 1], 0, (1,), False, None),
    ]
    for e in errs:
        c.add(*e)
    with open(os.path.join(HERE, "reduce.txt"), "w") as f:
        f.write("\n".join(c.out) + "\n")
    print(f"{c.n} cases")


if __name__ == "__main__":
    main()
