#!/usr/bin/python3
"""Writes random.txt: what PyTorch's CPU generator produces, bit for bit, for short programs.

Run with Debian's PyTorch (1.13, on an AVX2 CPU): /usr/bin/python3 tests/golden/gen_random.py

Each record is one program that tests/engine/test-random.c replays on the engine. A program is a
list of command lines, each followed by its expectation:

    seed S                                     torch.manual_seed(S)
    initial_seed                               = S
    rand DTYPE SHAPE                           torch.rand(SHAPE, dtype=DTYPE)
    randn DTYPE SHAPE                          torch.randn(SHAPE, dtype=DTYPE)
    randint LOW HIGH DTYPE SHAPE               torch.randint(LOW, HIGH, SHAPE, dtype=DTYPE)
    randperm N DTYPE                           torch.randperm(N, dtype=DTYPE)
    uniform DTYPE FROM TO BASE SHAPE STRIDES OFFSET
                                               zeros(BASE).as_strided(...).uniform_(FROM, TO)
    normal DTYPE MEAN STD BASE SHAPE STRIDES OFFSET
                                               zeros(BASE).as_strided(...).normal_(MEAN, STD)
    rand_like DTYPE SHAPE STRIDES              torch.rand_like(empty_strided(SHAPE, STRIDES))
    randn_like DTYPE SHAPE STRIDES             torch.randn_like(...)
    digest OP DTYPE N                          OP(N, dtype=DTYPE), expected as its FNV-1a digest

SHAPE and STRIDES are comma lists ("()" for 0-dim); FROM, TO, MEAN and STD are hex floats. The
expectation of a command is either "= v v v ..." (several "=" lines continue one another) with the
result's elements in row-major order -- for uniform/normal, the whole base storage -- as exact bit
patterns in hex for floating dtypes and decimal for integers; rand_like/randn_like first give
"strides a,b,..." of the result; or "! Kind: message" when PyTorch raises.
"""
import os
import warnings

import torch

HERE = os.path.dirname(os.path.abspath(__file__))

DT = {
    "float16": torch.float16, "bfloat16": torch.bfloat16, "float32": torch.float32,
    "float64": torch.float64, "int64": torch.int64, "int32": torch.int32, "int16": torch.int16,
    "int8": torch.int8, "uint8": torch.uint8, "bool": torch.bool,
}
FLOATS = ["float32", "float64", "float16", "bfloat16"]
SIZES = [1, 2, 3, 7, 15, 16, 17, 31, 32, 33, 100, 1000, 1003]
SEEDS = [0, 1, 42, 1234, 2**32 + 7, 2**63 - 1, 2**64 - 1]


def values(t):
    """Row-major elements as exact bit patterns (hex) or decimal integers."""
    t = t.contiguous().reshape(-1)
    if t.dtype in (torch.float16, torch.bfloat16):
        return ["%x" % (int(v) & 0xFFFF) for v in t.view(torch.int16).tolist()]
    if t.dtype == torch.float32:
        return ["%x" % (int(v) & 0xFFFFFFFF) for v in t.view(torch.int32).tolist()]
    if t.dtype == torch.float64:
        return ["%x" % (int(v) & 0xFFFFFFFFFFFFFFFF) for v in t.view(torch.int64).tolist()]
    if t.dtype == torch.bool:
        return [str(int(v)) for v in t.tolist()]
    return [str(int(v)) for v in t.tolist()]


def lst(xs):
    return ",".join(str(x) for x in xs) if len(xs) else "()"


class Program:
    def __init__(self, name):
        self.name = name
        self.lines = []

    def expect(self, fn):
        try:
            r = fn()
        except Exception as e:  # noqa: BLE001 - the message is the golden value
            self.lines.append(f"! {type(e).__name__}: {e}")
            return None
        return r

    def emit_values(self, vals):
        if not vals:
            self.lines.append("=")
        for i in range(0, len(vals), 16):
            self.lines.append("= " + " ".join(vals[i:i + 16]))

    def seed(self, s):
        self.lines.append(f"seed {s}")
        torch.manual_seed(s)

    def initial_seed(self):
        self.lines.append("initial_seed")
        self.lines.append(f"= {torch.initial_seed()}")

    def simple(self, line, fn):
        self.lines.append(line)
        r = self.expect(fn)
        if r is not None:
            self.emit_values(values(r))

    def rand(self, dt, shape):
        self.simple(f"rand {dt} {lst(shape)}", lambda: torch.rand(shape, dtype=DT[dt]))

    def randn(self, dt, shape):
        self.simple(f"randn {dt} {lst(shape)}", lambda: torch.randn(shape, dtype=DT[dt]))

    def randint(self, lo, hi, dt, shape):
        self.simple(f"randint {lo} {hi} {dt} {lst(shape)}",
                    lambda: torch.randint(lo, hi, shape, dtype=DT[dt]))

    def randperm(self, n, dt):
        self.simple(f"randperm {n} {dt}", lambda: torch.randperm(n, dtype=DT[dt]))

    def inplace(self, op, dt, a, b, base, shape, strides, offset):
        self.lines.append(f"{op} {dt} {float(a).hex()} {float(b).hex()} {base} {lst(shape)} {lst(strides)} {offset}")

        def run():
            buf = torch.zeros(base, dtype=DT[dt])
            v = buf.as_strided(shape, strides, offset)
            if op == "uniform":
                v.uniform_(a, b)
            else:
                v.normal_(a, b)
            return buf
        r = self.expect(run)
        if r is not None:
            self.emit_values(values(r))

    def uniform(self, dt, a, b, base, shape, strides, offset=0):
        self.inplace("uniform", dt, a, b, base, shape, strides, offset)

    def normal(self, dt, a, b, base, shape, strides, offset=0):
        self.inplace("normal", dt, a, b, base, shape, strides, offset)

    def like(self, op, dt, shape, strides):
        self.lines.append(f"{op} {dt} {lst(shape)} {lst(strides)}")

        def run():
            x = torch.empty_strided(shape, strides, dtype=DT[dt])
            return torch.rand_like(x) if op == "rand_like" else torch.randn_like(x)
        r = self.expect(run)
        if r is not None:
            self.lines.append(f"strides {lst(r.stride())}")
            self.emit_values(values(r))

    def digest(self, op, dt, n):
        """FNV-1a (64-bit, one element's bits at a time) of a long result: pins rare roundings."""
        self.lines.append(f"digest {op} {dt} {n}")
        t = getattr(torch, op)(n, dtype=DT[dt])
        h = 0xCBF29CE484222325
        for v in values(t):
            h = ((h ^ int(v, 16)) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
        self.lines.append(f"= {h:x}")

    def text(self):
        return [f"@@ {self.name}"] + self.lines


def contiguous(shape):
    strides, acc = [], 1
    for s in reversed(shape):
        strides.insert(0, acc)
        acc *= max(s, 1)
    return strides


def programs():
    out = []

    def prog(name):
        p = Program(name)
        out.append(p)
        return p

    # The lecture's check.
    p = prog("lecture")
    p.seed(0)
    p.randn("float32", [2, 3])
    p.rand("float32", [2, 3])

    # Seeds, including ones past 32 bits (only the low 32 bits seed mt19937, all 64 are kept).
    for s in SEEDS:
        p = prog(f"seed/{s}")
        p.seed(s)
        p.initial_seed()
        p.rand("float32", [5])
        p.rand("float64", [3])
        p.randn("float32", [3])
        p.randn("float32", [17])
        p.randn("float64", [18])
        p.randint(0, 100, "int64", [4])
        p.randperm(8, "int64")

    # Every size, every floating dtype, for rand and randn, each from a fresh seed.
    for op in ("rand", "randn"):
        for dt in FLOATS:
            for n in SIZES:
                if n == 1000 and (op, dt) != ("randn", "float32"):
                    continue  # 1003 covers the long tail case; keep the file small
                p = prog(f"{op}/{dt}/{n}")
                p.seed(1234 if n % 2 else 0)
                getattr(p, op)(dt, [n])

    # A million float32 normals (the AVX2 kernel's rare FMA roundings; no libm involved) as a digest.
    p = prog("digest/randn")
    p.seed(0)
    p.digest("randn", "float32", 1 << 20)
    p.digest("rand", "float32", 1 << 18)

    # 2-D and 3-D shapes (the contiguous >= 16 path does not care about the shape).
    for op in ("rand", "randn"):
        for dt in ("float32", "float64"):
            for shape in ([2, 3], [4, 5], [3, 7], [2, 8], [1, 16], [2, 3, 4], []):
                p = prog(f"{op}/{dt}/shape/{'x'.join(map(str, shape)) or 'scalar'}")
                p.seed(7)
                getattr(p, op)(dt, shape)
    p = prog("randn/float32/empty")
    p.seed(3)
    p.randn("float32", [0])
    p.randn("float32", [3, 0])
    p.randn("float32", [2])

    # uniform_ and normal_ with parameters, contiguous and through views, every floating dtype.
    for dt in FLOATS:
        for n in (5, 16, 40):
            p = prog(f"uniform/{dt}/contig/{n}")
            p.seed(11)
            p.uniform(dt, -2.5, 3.75, n, [n], [1])
            p.uniform(dt, 0.001, 1000.0, n, [n], [1])
            p.uniform(dt, 1.0, 1.0, n, [n], [1])
            p = prog(f"normal/{dt}/contig/{n}")
            p.seed(12)
            p.normal(dt, 1.5, 0.25, n, [n], [1])
            p.normal(dt, -3.0, 7.0, n, [n], [1])
            p.normal(dt, 2.0, 0.0, n, [n], [1])
        views = {
            # a transposed 4x5 matrix (20 elements: non-contiguous, so the per-element path)
            "transposed": (20, [5, 4], [1, 5], 0),
            "transposed_small": (6, [3, 2], [1, 3], 0),
            # every other element, with an offset
            "step": (41, [20], [2], 1),
            # rows 1..3 of a 5x6 matrix, columns 0, 2, 4
            "slice2d": (30, [3, 3], [6, 2], 6),
            # a permuted 3-D tensor with a size-1 dim
            "permuted": (24, [4, 1, 6], [1, 4, 4], 0),
            "permuted3": (60, [5, 3, 4], [1, 20, 5], 0),
            # contiguous, with an offset (the >= 16 fill path on a shifted pointer)
            "offset": (25, [20], [1], 3),
            # a contiguous row of a wider matrix, 2-D
            "rows": (50, [2, 10], [10, 1], 20),
            # overlapping elements: PyTorch refuses
            "expanded": (4, [4, 5], [1, 0], 0),
        }
        for vname, (base, shape, strides, off) in views.items():
            p = prog(f"uniform/{dt}/{vname}")
            p.seed(21)
            p.uniform(dt, -1.0, 2.0, base, shape, strides, off)
            p = prog(f"normal/{dt}/{vname}")
            p.seed(22)
            p.normal(dt, 0.5, 2.0, base, shape, strides, off)

    # Parameters past the dtype's range, infinite or NaN.
    for dt in FLOATS:
        p = prog(f"normal/{dt}/extreme")
        p.seed(23)
        for mean, std in ((1e300, 1.0), (1e5, 2.0), (0.0, float("inf")), (float("nan"), 1.0), (-1e39, 0.5)):
            p.normal(dt, mean, std, 5, [5], [1])
            p.normal(dt, mean, std, 20, [20], [1])

    # rand_like / randn_like keep a dense input's strides.
    for dt in ("float32", "float64"):
        for name, (shape, strides) in {
            "contig": ([4, 5], [5, 1]),
            "transposed": ([5, 4], [1, 5]),
            "permuted": ([3, 2, 4], [4, 12, 1]),
            "step": ([6], [2]),
            "small_t": ([3, 2], [1, 3]),
        }.items():
            p = prog(f"like/{dt}/{name}")
            p.seed(31)
            p.like("rand_like", dt, shape, strides)
            p.like("randn_like", dt, shape, strides)

    # randint: every integer dtype, small ranges (32-bit draws) and ranges >= 2**32 (64-bit draws).
    ranges = {
        "int64": [(0, 10), (-5, 5), (0, 2**32), (0, 2**32 - 1), (0, 2**40), (-2**62, 2**62),
                  (-2**63, 2**63 - 1), (2**63 - 10, 2**63 - 1), (-3, 2**33)],
        "int32": [(0, 10), (-100, 100), (-2**31, 2**31 - 1), (0, 2**31 - 1)],
        "int16": [(0, 10), (-2**15, 2**15 - 1), (-7, 3)],
        "int8": [(0, 10), (-128, 128), (-128, 127), (-5, 0)],
        "uint8": [(0, 10), (0, 256), (200, 256), (0, 2)],
        "bool": [(0, 2), (1, 2), (0, 1)],
        "float32": [(0, 10), (-2**20, 2**20), (0, 2**32), (0, 2**40), (2**30, 2**31)],
        "float64": [(0, 10), (0, 2**40), (-2**53, 2**53), (-2**63, 2**63 - 1)],
        "float16": [(0, 10), (-2048, 2048), (0, 65504), (-65504, 65504), (65000, 65504)],
        "bfloat16": [(0, 10), (-256, 256), (0, 2**40), (-2**20, 3)],
    }
    for dt, rs in ranges.items():
        for lo, hi in rs:
            p = prog(f"randint/{dt}/{lo}/{hi}")
            p.seed(41)
            p.randint(lo, hi, dt, [9])
            p.randint(lo, hi, dt, [2, 3])
    p = prog("randint/int64/long")
    p.seed(42)
    p.randint(-1000, 1000, "int64", [500])
    p.randint(0, 2**45, "int64", [100])

    # randperm
    for dt, ns in {
        "int64": [0, 1, 2, 3, 5, 10, 100, 1000, 5000],
        "int32": [10, 1000],
        "int16": [300],
        "int8": [128],
        "uint8": [256, 7],
        "float32": [50],
        "float64": [50],
        "float16": [2049],
        "bfloat16": [300],
    }.items():
        for n in ns:
            p = prog(f"randperm/{dt}/{n}")
            p.seed(51)
            p.randperm(n, dt)

    # One stream shared by every op; the double normal cache survives between calls (and is dropped
    # by manual_seed), while the >= 16 fill path neither reads nor writes it.
    for s in (42, 2**32 + 7):
        p = prog(f"interleaved/{s}")
        p.seed(s)
        p.rand("float32", [3])
        p.randn("float32", [3])
        p.randn("float32", [20])
        p.randn("float32", [2])
        p.randint(0, 10, "int64", [5])
        p.randint(0, 2**40, "int64", [3])
        p.rand("float64", [2])
        p.randn("float64", [1])
        p.randperm(10, "int64")
        p.randn("float64", [5])
        p.randn("float16", [1])
        p.normal("float32", 1.0, 3.0, 20, [5, 4], [1, 5], 0)
        p.randn("float64", [16])
        p.randn("float32", [1])
        p.rand("float16", [3])
        p.rand("bfloat16", [3])
        p.randn("bfloat16", [33])
        p.uniform("float64", -1.0, 1.0, 3, [3], [1])
        p.randn("float32", [1])
        p.seed(s)
        p.randn("float32", [1])
        p.randn("float32", [1])
        p.seed(s)
        p.randn("float32", [1])
        p.initial_seed()

    # Errors (and that a failed call draws nothing: the next values are checked).
    p = prog("errors")
    p.seed(5)
    p.randint(5, 5, "int64", [3])
    p.randint(6, 5, "int64", [3])
    p.randint(5, 5, "int64", [0])
    p.randint(0, 300, "uint8", [3])
    p.randint(-1, 3, "uint8", [3])
    p.randint(-200, 3, "int8", [3])
    p.randint(0, 2**40, "int32", [3])
    p.randint(-2**40, 0, "int16", [3])
    p.randint(0, 3, "bool", [3])
    p.randint(0, 70000, "float16", [3])
    p.randint(-70000, 0, "float16", [3])
    p.randint(65500, 65504, "float16", [3])
    p.randint(0, 2**40, "int8", [0])
    for dt in ("int64", "int32", "int16", "int8", "uint8", "bool"):
        p.rand(dt, [3])
        p.randn(dt, [3])
        p.randn(dt, [20])
    p.randperm(3, "bool")
    for dt in FLOATS:
        p.uniform(dt, 2.0, 1.0, 3, [3], [1])
        p.uniform(dt, 2.5, 1.25, 3, [3], [1])
        p.uniform(dt, -1e300, 1.0, 3, [3], [1])
        p.uniform(dt, 0.0, 1e300, 3, [3], [1])
        p.uniform(dt, float("nan"), 1.0, 3, [3], [1])
        p.uniform(dt, 0.0, float("inf"), 3, [3], [1])
        p.uniform(dt, 1.0, 0.0, 0, [0], [1])
        p.normal(dt, 0.0, -1.0, 3, [3], [1])
        p.normal(dt, 0.0, -1e-300, 3, [3], [1])
        p.normal(dt, 0.0, float("nan"), 3, [3], [1])
        p.normal(dt, 0.0, -0.5, 0, [0], [1])
    p.uniform("float32", -3e38, 3e38, 3, [3], [1])
    p.uniform("float16", -60000.0, 60000.0, 3, [3], [1])
    p.uniform("float64", -1.7e308, 1.7e308, 3, [3], [1])
    p.uniform("bfloat16", -3e38, 3e38, 3, [3], [1])
    p.uniform("int64", 0.0, 1.0, 3, [3], [1])
    p.uniform("int64", 1.0, 0.0, 3, [3], [1])
    p.normal("int64", 0.0, -1.0, 3, [3], [1])
    p.normal("int64", 0.0, 1.0, 3, [3], [1])
    p.normal("int32", 0.0, 1.0, 0, [0], [1])
    p.rand("float32", [-1, 3])
    p.randn("float32", [2, -3])
    p.randperm(-1, "int64")
    p.randperm(2050, "float16")
    p.randperm(70000, "float16")
    p.randperm(129, "int8")
    p.randperm(257, "uint8")
    p.randperm(32769, "int16")
    p.randperm(2**24 + 2, "float32")
    p.uniform("float32", 0.0, 1.0, 4, [4, 5], [1, 0], 0)
    p.normal("float32", 0.0, 1.0, 1, [20], [0], 0)
    p.rand("float32", [4])
    p.randn("float64", [3])
    return out


def main():
    warnings.filterwarnings("ignore")  # randint's precision warnings
    lines = []
    for p in programs():
        lines.extend(p.text())
    with open(os.path.join(HERE, "random.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
