#!/usr/bin/python3
"""Writes linalg.txt: matrix products, einsum, linalg.solve and norms computed by real PyTorch.

Run with Debian's PyTorch 1.13: /usr/bin/python3 tests/golden/gen_linalg.py

Each record is one case, named OP/NAME:
    op OP
    arg DTYPE SHAPE VIEWS      an operand: a contiguous base tensor, then views applied in order
    v VALUES...                 its base values (hex floats, or integers), row-major
    param KEY VALUE             ord, ordstr, dims, keepdim, eq
    then either
    error Kind: message
    or
    expect DTYPE SHAPE STRIDES
    tol exact | rel R | scaled R      (scaled: |got - want| <= R * s, s given per element)
    v VALUES...                 expected values, in the result's row-major order
    s SCALES...                 (scaled only) sum of |a||b| terms for each element
SHAPE and STRIDES are comma lists ('-' for 0-dim). VIEWS is '-' or ';'-joined steps:
    T:d0:d1 (transpose), S:dim:start:stop:step (slice), E:shape (expand), P:perm (permute),
    U:dim (unsqueeze).
"""
import math
import os

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = []

torch.manual_seed(20240611)

TOL = {torch.float32: 1e-6, torch.float64: 1e-14, torch.bfloat16: 0.0}


def fmt_shape(s):
    return ",".join(str(int(x)) for x in s) if len(s) else "-"


def values(t):
    t = t.contiguous().reshape(-1)
    if t.dtype.is_floating_point:
        # Python's repr is the shortest string that reads back as the same double: exact
        return [repr(float(x)) for x in t.double().tolist()]
    if t.dtype == torch.bool:
        return ["1" if x else "0" for x in t.tolist()]
    return [str(int(x)) for x in t.tolist()]


def apply_views(t, views):
    for v in views:
        p = v.split(":")
        if p[0] == "T":
            t = t.transpose(int(p[1]), int(p[2]))
        elif p[0] == "S":
            t = t[(slice(None),) * int(p[1]) + (slice(int(p[2]), int(p[3]), int(p[4])),)]
        elif p[0] == "E":
            t = t.expand(*[int(x) for x in p[1].split(",")])
        elif p[0] == "P":
            t = t.permute(*[int(x) for x in p[1].split(",")])
        elif p[0] == "U":
            t = t.unsqueeze(int(p[1]))
    return t


def make_base(dtype, shape, kind="randn"):
    n = 1
    for s in shape:
        n *= s
    if dtype == torch.bool:
        return torch.randint(0, 2, shape).bool()
    if not dtype.is_floating_point:
        if dtype == torch.uint8:
            return torch.randint(0, 256, shape, dtype=dtype)
        if kind == "big":
            info = torch.iinfo(dtype)
            return torch.randint(info.min, info.max, shape, dtype=torch.int64).to(dtype)
        return torch.randint(-9, 10, shape, dtype=dtype)
    if kind == "randn":
        # a few significant bits, so that exact products are common and bfloat16 is meaningful
        return (torch.randn(shape, dtype=torch.float64) * 8).round().div(8).to(dtype)
    return torch.randn(shape, dtype=torch.float64).to(dtype)


class Arg:
    def __init__(self, dtype, shape, views=(), kind="randn", base=None):
        self.base = make_base(dtype, shape, kind) if base is None else base
        self.views = list(views)
        self.t = apply_views(self.base, self.views)

    def lines(self):
        v = ";".join(self.views) if self.views else "-"
        return [f"arg {str(self.base.dtype)[6:]} {fmt_shape(self.base.shape)} {v}", "v " + " ".join(values(self.base))]


def err_text(e):
    kind = type(e).__name__
    if kind == "_LinAlgError":
        kind = "RuntimeError"  # torch.linalg.LinAlgError is a RuntimeError
    return f"{kind}: {e}"


def case(name, op, args, fn, params=(), tol=None, scale_fn=None):
    rec = [f"@@ {op}/{name}", f"op {op}"]
    for a in args:
        rec += a.lines()
    for k, v in params:
        rec.append(f"param {k} {v}")
    try:
        r = fn(*[a.t for a in args])
    except Exception as e:  # noqa: BLE001 - the message is the golden value
        rec.append("error " + err_text(e))
        OUT.extend(rec)
        return
    rec.append(f"expect {str(r.dtype)[6:]} {fmt_shape(r.shape)} {fmt_shape(r.stride()) if r.dim() else '-'}")
    if tol is None:
        tol = ("exact", 0.0) if not r.dtype.is_floating_point else ("rel", 0.0)
    rec.append(f"tol {tol[0]} {tol[1]!r}")
    rec.append("v " + " ".join(values(r)))
    if tol[0] == "scaled":
        s = scale_fn(*[a.t for a in args])
        rec.append("s " + " ".join("%.3g" % x for x in s.double().reshape(-1).tolist()))
    OUT.extend(rec)


def prod_case(name, op, args, fn):
    dt = args[0].t.dtype
    if dt in (torch.float32, torch.float64):
        def scale(*ts):
            return fn(*[x.double().abs() for x in ts])
        case(name, op, args, fn, tol=("scaled", TOL[dt]), scale_fn=scale)
    else:
        case(name, op, args, fn)


# ----- products -----
F32, F64, BF, F16 = torch.float32, torch.float64, torch.bfloat16, torch.float16
INTS = [torch.int64, torch.int32, torch.int16, torch.int8, torch.uint8]

for dt in [F32, F64, BF] + INTS:
    n = str(dt)[6:]
    prod_case(f"mm_{n}", "mm", [Arg(dt, (3, 4)), Arg(dt, (4, 5))], torch.mm)
    prod_case(f"mv_{n}", "mv", [Arg(dt, (3, 4)), Arg(dt, (4,))], torch.mv)
    prod_case(f"dot_{n}", "dot", [Arg(dt, (7,)), Arg(dt, (7,))], torch.dot)
    prod_case(f"bmm_{n}", "bmm", [Arg(dt, (2, 3, 4)), Arg(dt, (2, 4, 2))], torch.bmm)
    prod_case(f"matmul_batched_{n}", "matmul", [Arg(dt, (2, 1, 3, 4)), Arg(dt, (5, 4, 2))], torch.matmul)
for dt in [torch.int8, torch.int16, torch.int32, torch.int64, torch.uint8]:
    n = str(dt)[6:]
    prod_case(f"mm_wrap_{n}", "mm", [Arg(dt, (3, 6), kind="big"), Arg(dt, (6, 2), kind="big")], torch.mm)
    prod_case(f"dot_wrap_{n}", "dot", [Arg(dt, (9,), kind="big"), Arg(dt, (9,), kind="big")], torch.dot)

# bfloat16 accumulation over a longer sum (rounding after every step)
prod_case("mm_bf16_long", "mm", [Arg(BF, (4, 60)), Arg(BF, (60, 3))], torch.mm)
prod_case("dot_bf16_long", "dot", [Arg(BF, (200,), kind="n"), Arg(BF, (200,), kind="n")], torch.dot)
prod_case("mv_bf16_long", "mv", [Arg(BF, (5, 90)), Arg(BF, (90,))], torch.mv)
# PyTorch's bfloat16 gemm takes float dot products when B is column-major and A row-major
# (gemm_transa_), and sequential bfloat16 sums in every other layout
for lay, va, vb in [("NN", [], []), ("NT", [], ["T:0:1"]), ("TN", ["T:0:1"], []), ("TT", ["T:0:1"], ["T:0:1"])]:
    sa, sb = ((30, 5) if va else (5, 30)), ((4, 30) if vb else (30, 4))
    prod_case(f"mm_bf16_{lay}", "mm", [Arg(BF, sa, va), Arg(BF, sb, vb)], torch.mm)
    ba, bb = (2,) + sa, (2,) + sb
    va3 = ["T:1:2"] if va else []
    vb3 = ["T:1:2"] if vb else []
    prod_case(f"bmm_bf16_{lay}", "bmm", [Arg(BF, ba, va3), Arg(BF, bb, vb3)], torch.bmm)
    prod_case(f"bmm_bf16_small_{lay}", "bmm", [Arg(BF, (2, 3, 30) if not va else (2, 30, 3), va3),
                                                Arg(BF, (2, 30, 2) if not vb else (2, 2, 30), vb3)], torch.bmm)
    prod_case(f"bf16_3d_2d_{lay}", "matmul", [Arg(BF, (2, 3, 30)), Arg(BF, sb, vb)], torch.matmul)
    prod_case(f"bf16_2d_3d_{lay}", "matmul", [Arg(BF, sa, va), Arg(BF, (2, 30, 4))], torch.matmul)
prod_case("bf16_1d_2d_T", "matmul", [Arg(BF, (30,)), Arg(BF, (4, 30), ["T:0:1"])], torch.matmul)

# every matmul form, float32 and float64, contiguous and not
for dt in [F32, F64]:
    n = str(dt)[6:]
    forms = {
        "1d_1d": [Arg(dt, (5,)), Arg(dt, (5,))],
        "2d_1d": [Arg(dt, (3, 5)), Arg(dt, (5,))],
        "1d_2d": [Arg(dt, (5,)), Arg(dt, (5, 4))],
        "2d_2d": [Arg(dt, (3, 5)), Arg(dt, (5, 4))],
        "3d_2d_fold": [Arg(dt, (2, 3, 5)), Arg(dt, (5, 4))],
        "3d_1d_fold": [Arg(dt, (2, 3, 5)), Arg(dt, (5,))],
        "1d_3d_fold": [Arg(dt, (5,)), Arg(dt, (2, 5, 4))],
        "2d_3d_fold": [Arg(dt, (3, 5)), Arg(dt, (2, 5, 4))],
        "4d_1d_fold": [Arg(dt, (2, 2, 3, 5)), Arg(dt, (5,))],
        "3d_3d": [Arg(dt, (2, 3, 5)), Arg(dt, (2, 5, 4))],
        "4d_3d_bcast": [Arg(dt, (2, 1, 3, 4)), Arg(dt, (5, 4, 2))],
        "3d_4d_bcast": [Arg(dt, (3, 4, 2)), Arg(dt, (2, 1, 2, 5))],
        "3d_perm_2d_nofold": [Arg(dt, (3, 4, 2), ["P:0,2,1"]), Arg(dt, (4, 5))],
        "T_2d_2d": [Arg(dt, (5, 3), ["T:0:1"]), Arg(dt, (4, 5), ["T:0:1"])],
        "T_a_only": [Arg(dt, (5, 3), ["T:0:1"]), Arg(dt, (5, 4))],
        "T_b_only": [Arg(dt, (3, 5)), Arg(dt, (4, 5), ["T:0:1"])],
        "sliced_2d": [Arg(dt, (6, 10), ["S:0:0:6:2", "S:1:1:10:2"]), Arg(dt, (5, 8), ["S:1:0:8:3"])],
        "sliced_1d_1d": [Arg(dt, (10,), ["S:0:0:10:2"]), Arg(dt, (15,), ["S:0:1:15:3"])],
        "sliced_2d_1d": [Arg(dt, (3, 10), ["S:1:0:10:2"]), Arg(dt, (10,), ["S:0:0:10:2"])],
        "T_2d_1d": [Arg(dt, (5, 3), ["T:0:1"]), Arg(dt, (5,))],
        "expanded_1d": [Arg(dt, (1,), ["E:5"]), Arg(dt, (5, 3))],
        "expanded_2d_1d": [Arg(dt, (3, 5)), Arg(dt, (1,), ["E:5"])],
        "expanded_batch": [Arg(dt, (1, 3, 4), ["E:4,3,4"]), Arg(dt, (4, 4, 2))],
        "expanded_rows": [Arg(dt, (1, 4), ["E:3,4"]), Arg(dt, (4, 2))],
        "T_batched": [Arg(dt, (2, 4, 3), ["T:1:2"]), Arg(dt, (2, 2, 4), ["T:1:2"])],
        "empty_k": [Arg(dt, (2, 0)), Arg(dt, (0, 3))],
        "empty_m": [Arg(dt, (0, 3)), Arg(dt, (3, 2))],
        "empty_batch": [Arg(dt, (0, 2, 3)), Arg(dt, (3, 2))],
        "large_T": [Arg(dt, (16, 13), ["T:0:1"]), Arg(dt, (16, 9))],
        "large_TT": [Arg(dt, (16, 13), ["T:0:1"]), Arg(dt, (7, 16), ["T:0:1"])],
    }
    for k, a in forms.items():
        prod_case(f"{k}_{n}", "matmul", a, torch.matmul)
    prod_case(f"T_{n}", "mm", [Arg(dt, (5, 3), ["T:0:1"]), Arg(dt, (4, 5), ["T:0:1"])], torch.mm)
    prod_case(f"T_{n}", "mv", [Arg(dt, (5, 3), ["T:0:1"]), Arg(dt, (10,), ["S:0:0:10:2"])], torch.mv)
    prod_case(f"T_{n}", "bmm", [Arg(dt, (2, 4, 3), ["T:1:2"]), Arg(dt, (2, 5, 4), ["T:1:2"])], torch.bmm)
    prod_case(f"expanded_{n}", "bmm", [Arg(dt, (1, 3, 4), ["E:3,3,4"]), Arg(dt, (3, 4, 2))], torch.bmm)
    prod_case(f"expanded_{n}", "dot", [Arg(dt, (1,), ["E:6"]), Arg(dt, (6,))], torch.dot)

for dt in INTS + [BF]:
    n = str(dt)[6:]
    prod_case(f"3d_2d_fold_{n}", "matmul", [Arg(dt, (2, 3, 5)), Arg(dt, (5, 4), ["T:0:1"]) if False else Arg(dt, (5, 4))], torch.matmul)
    prod_case(f"T_2d_2d_{n}", "matmul", [Arg(dt, (5, 3), ["T:0:1"]), Arg(dt, (4, 5), ["T:0:1"])], torch.matmul)
    prod_case(f"1d_3d_fold_{n}", "matmul", [Arg(dt, (5,)), Arg(dt, (2, 5, 4))], torch.matmul)

# float16 and bool: errors, except empty products
for dt in [F16, torch.bool]:
    n = str(dt)[6:]
    case(f"mm_{n}", "mm", [Arg(dt, (2, 3)), Arg(dt, (3, 2))], torch.mm)
    case(f"mv_{n}", "mv", [Arg(dt, (2, 3)), Arg(dt, (3,))], torch.mv)
    case(f"dot_{n}", "dot", [Arg(dt, (3,)), Arg(dt, (3,))], torch.dot)
    case(f"bmm_{n}", "bmm", [Arg(dt, (1, 2, 3)), Arg(dt, (1, 3, 2))], torch.bmm)
    case(f"1d_1d_{n}", "matmul", [Arg(dt, (3,)), Arg(dt, (3,))], torch.matmul)
    case(f"1d_2d_{n}", "matmul", [Arg(dt, (3,)), Arg(dt, (3, 2))], torch.matmul)
    case(f"2d_1d_{n}", "matmul", [Arg(dt, (2, 3)), Arg(dt, (3,))], torch.matmul)
    case(f"3d_2d_{n}", "matmul", [Arg(dt, (2, 2, 3)), Arg(dt, (3, 2))], torch.matmul)
    case(f"3d_1d_{n}", "matmul", [Arg(dt, (2, 2, 3)), Arg(dt, (3,))], torch.matmul)
    case(f"3d_3d_{n}", "matmul", [Arg(dt, (2, 2, 3)), Arg(dt, (2, 3, 2))], torch.matmul)
    case(f"mm_empty_{n}", "mm", [Arg(dt, (2, 0)), Arg(dt, (0, 3))], torch.mm)
    case(f"mm_empty_rows_{n}", "mm", [Arg(dt, (0, 3)), Arg(dt, (3, 2))], torch.mm)
    case(f"mv_empty_{n}", "mv", [Arg(dt, (2, 0)), Arg(dt, (0,))], torch.mv)
    case(f"bmm_empty_{n}", "bmm", [Arg(dt, (0, 2, 3)), Arg(dt, (0, 3, 2))], torch.bmm)
    case(f"dot_empty_{n}", "dot", [Arg(dt, (0,)), Arg(dt, (0,))], torch.dot)

# errors
o = F32
errs = {
    "mm": [("shape", [Arg(o, (2, 3)), Arg(o, (4, 5))]), ("dtype", [Arg(o, (2, 3)), Arg(F64, (3, 5))]),
           ("dtype_int", [Arg(torch.int64, (2, 3)), Arg(o, (3, 5))]), ("shape_before_dtype", [Arg(o, (2, 3)), Arg(F64, (4, 5))]),
           ("3d", [Arg(o, (2, 3, 4)), Arg(o, (4, 5))]), ("1d_self", [Arg(o, (3,)), Arg(o, (3, 2))]),
           ("1d_mat2", [Arg(o, (2, 3)), Arg(o, (3,))]), ("0d", [Arg(o, ()), Arg(o, (3, 3))])],
    "mv": [("shape", [Arg(o, (2, 3)), Arg(o, (4,))]), ("dtype", [Arg(o, (2, 3)), Arg(F64, (3,))]),
           ("1d_1d", [Arg(o, (3,)), Arg(o, (3,))]), ("2d_2d", [Arg(o, (2, 3)), Arg(o, (3, 1))]),
           ("0d", [Arg(o, (2, 3)), Arg(o, ())]), ("T_shape", [Arg(o, (3, 2), ["T:0:1"]), Arg(o, (2,))])],
    "dot": [("2d", [Arg(o, (2, 2)), Arg(o, (2, 2))]), ("1d_2d", [Arg(o, (3,)), Arg(o, (3, 1))]),
            ("0d", [Arg(o, ()), Arg(o, (3,))]), ("size", [Arg(o, (3,)), Arg(o, (4,))]),
            ("dtype", [Arg(o, (3,)), Arg(F64, (3,))]), ("dtype_before_size", [Arg(o, (3,)), Arg(F64, (4,))])],
    "bmm": [("batch", [Arg(o, (2, 2, 3)), Arg(o, (3, 3, 2))]), ("inner", [Arg(o, (2, 2, 3)), Arg(o, (2, 4, 2))]),
            ("2d", [Arg(o, (2, 3)), Arg(o, (2, 3, 2))]), ("2d_b", [Arg(o, (2, 2, 3)), Arg(o, (3, 2))]),
            ("dtype", [Arg(o, (2, 2, 3)), Arg(F64, (2, 3, 2))]), ("dtype_int", [Arg(torch.int32, (2, 2, 3)), Arg(torch.int64, (2, 3, 2))])],
    "matmul": [("0d_1d", [Arg(o, ()), Arg(o, (3,))]), ("1d_0d", [Arg(o, (3,)), Arg(o, ())]), ("0d_0d", [Arg(o, ()), Arg(o, ())]),
               ("1d_1d", [Arg(o, (3,)), Arg(o, (4,))]), ("2d_1d", [Arg(o, (2, 3)), Arg(o, (4,))]),
               ("1d_2d", [Arg(o, (4,)), Arg(o, (2, 3))]), ("2d_2d", [Arg(o, (2, 3)), Arg(o, (4, 5))]),
               ("3d_2d", [Arg(o, (2, 3, 4)), Arg(o, (5, 2))]), ("3d_1d", [Arg(o, (2, 3, 4)), Arg(o, (5,))]),
               ("1d_3d", [Arg(o, (5,)), Arg(o, (2, 3, 4))]), ("2d_3d", [Arg(o, (2, 3)), Arg(o, (4, 5, 6))]),
               ("3d_3d", [Arg(o, (2, 3, 4)), Arg(o, (2, 5, 6))]), ("bcast", [Arg(o, (2, 3, 3, 4)), Arg(o, (5, 4, 2))]),
               ("dtype_1d_1d", [Arg(o, (3,)), Arg(F64, (3,))]), ("dtype_2d_1d", [Arg(o, (2, 3)), Arg(F64, (3,))]),
               ("dtype_1d_2d", [Arg(o, (3,)), Arg(F64, (3, 6))]), ("dtype_3d_2d", [Arg(o, (2, 3, 4)), Arg(F64, (4, 6))]),
               ("dtype_2d_3d", [Arg(o, (2, 3)), Arg(F64, (4, 3, 5))]), ("dtype_1d_3d", [Arg(o, (3,)), Arg(F64, (4, 3, 5))]),
               ("dtype_3d_3d", [Arg(o, (2, 3, 4)), Arg(F64, (2, 4, 6))]), ("nofold_shape", [Arg(o, (3, 4, 2), ["P:0,2,1"]), Arg(o, (5, 2))])],
    "outer": [("2d", [Arg(o, (3,)), Arg(o, (2, 2))]), ("0d", [Arg(o, ()), Arg(o, (2,))])],
}
for op, lst in errs.items():
    for name, a in lst:
        case(f"err_{name}", op, a, getattr(torch, op))

for name, a in [("f32_i64", [Arg(F32, (3,)), Arg(torch.int64, (2,))]), ("bool", [Arg(torch.bool, (3,)), Arg(torch.bool, (4,))]),
                ("f16_i8", [Arg(F16, (3,)), Arg(torch.int8, (2,))]), ("u8_i8", [Arg(torch.uint8, (3,)), Arg(torch.int8, (2,))]),
                ("f64", [Arg(F64, (4,), ["S:0:0:4:2"]), Arg(F64, (3,))]), ("bf16", [Arg(BF, (3,)), Arg(BF, (5,))]),
                ("i32_wrap", [Arg(torch.int32, (4,), kind="big"), Arg(torch.int32, (3,), kind="big")]),
                ("f32_f64", [Arg(F32, (3,)), Arg(F64, (2,))])]:
    case(name, "outer", a, torch.outer)

# ----- einsum -----
EINSUM = [
    ("ij,jk->ik", [(F32, (3, 4)), (F32, (4, 5))]), ("bij,bjk->bik", [(F32, (2, 3, 4)), (F32, (2, 4, 2))]),
    ("i,i->", [(F32, (6,)), (F32, (6,))]), ("ij,j->i", [(F32, (3, 4)), (F32, (4,))]), ("i,j->ij", [(F32, (3,)), (F32, (4,))]),
    ("ii->i", [(F32, (4, 4))]), ("ii", [(F32, (4, 4))]), ("ij->ji", [(F32, (2, 3))]), ("ij->", [(F32, (3, 4))]),
    ("bi,bi->b", [(F32, (3, 5)), (F32, (3, 5))]), ("...ij,...jk->...ik", [(F32, (2, 3, 4)), (F32, (2, 4, 5))]),
    ("...ij,...jk->...ik", [(F32, (2, 2, 3)), (F32, (1, 3, 4))]), ("...ij,...jk", [(F32, (2, 2, 3)), (F32, (3, 4))]),
    ("ij,jk", [(F32, (3, 4)), (F32, (4, 5))]), ("ij,jk->ki", [(F32, (3, 4)), (F32, (4, 5))]), ("ij->j", [(F32, (3, 4))]),
    ("ij,kj->ik", [(F64, (3, 4)), (F64, (5, 4))]), ("i,i,i->", [(F32, (4,)), (F32, (4,)), (F32, (4,))]),
    ("ij,jk,kl->il", [(F32, (2, 3)), (F32, (3, 4)), (F32, (4, 2))]), ("ab,ab", [(F32, (2, 3)), (F32, (2, 3))]),
    ("ba", [(F32, (2, 3))]), ("...", [(F32, (2, 3))]), ("i...->...i", [(F32, (2, 3, 4))]), ("iJ->", [(F32, (2, 3))]),
    ("Ji,ij", [(F32, (2, 3)), (F32, (3, 2))]), ("ij,ij->ij", [(F32, (2, 3)), (F32, (1, 3))]), ("->", [(F32, ())]),
    ("bij,bkj->bik", [(F64, (2, 3, 4)), (F64, (2, 5, 4))]), ("ij,jk->ik", [(torch.int64, (3, 4)), (torch.int64, (4, 2))]),
    ("ij->", [(torch.int32, (3, 4))]), ("ij->j", [(torch.bool, (3, 4))]), ("ij->ji", [(torch.int32, (2, 3))]),
    ("i,j->ij", [(F32, (3,)), (torch.int64, (4,))]), ("ij->", [(F16, (2, 3))]), ("ij,jk->ik", [(BF, (3, 4)), (BF, (4, 2))]), ("ij,kj->ik", [(BF, (6, 40)), (BF, (5, 40))]),
    ("ij,jk->ik", [(BF, (6, 40)), (BF, (40, 5))]),
    ("iij->j", [(F32, (3, 3, 4))]), ("ijk,ik->j", [(F32, (2, 3, 4)), (F32, (2, 4))]), ("ij,k->ijk", [(F32, (2, 3)), (F32, (2,))]),
    ("i j , j k -> i k", [(F32, (2, 3)), (F32, (3, 2))]),
    # errors
    ("ij,jk->ik", [(F32, (2, 3)), (F32, (4, 5))]), ("ij,jk", [(F32, (2, 3))]), ("ij->ijk", [(F32, (2, 3))]),
    ("ij->ii", [(F32, (2, 3))]), ("ii->i", [(F32, (2, 3))]), ("ij", [(F32, (2, 3, 4))]),
    ("ij,jk->ik", [(F32, (2, 3)), (F64, (3, 5))]), ("i,i->", [(F32, (3,)), (F32, (4,))]), ("i0->", [(F32, (2, 3))]),
    ("ij-->", [(F32, (2, 3))]), ("ij->j->", [(F32, (2, 3))]), ("...ij,...jk->...ik", [(F32, (2, 2, 3)), (F32, (3, 3, 4))]),
    ("i.j", [(F32, (2, 3))]), ("ij->k", [(F32, (2, 3))]), ("ij,jk->ik", [(F16, (2, 3)), (F16, (3, 2))]),
    ("", [(F32, (2, 3))]), ("......", [(F32, (2, 3))]), ("i,i", [(F32, ()), (F32, (3,))]),
    ("ij,jk->ik", [(torch.bool, (2, 3)), (torch.bool, (3, 2))]), ("i,i->", [(F32, (3,)), (F64, (3,))]),
    ("i,i,i", [(F32, (3,)), (F32, (3,))]), ("ij,j", [(F32, (2, 3)), (F32, (3,)), (F32, (3,))]),
    ("i->i.", [(F32, (3,))]), ("i->...", [(F32, (3,))]),
]
for k, (eq, specs) in enumerate(EINSUM):
    args = [Arg(dt, sh) for dt, sh in specs]
    fn = lambda *ts, eq=eq: torch.einsum(eq, *ts)  # noqa: E731
    dt = args[0].t.dtype
    if all(a.t.dtype == dt for a in args) and dt in (F32, F64):
        case(f"{k:02d}", "einsum", args, fn, [("eq", eq.replace(" ", "_"))], tol=("scaled", TOL[dt]),
             scale_fn=lambda *ts, eq=eq: torch.einsum(eq, *[t.double().abs() for t in ts]))
    else:
        case(f"{k:02d}", "einsum", args, fn, [("eq", eq.replace(" ", "_"))])


# ----- solve -----
def well_conditioned(dt, shape):
    n = shape[-1]
    base = make_base(torch.float64, shape)
    return (base + 8 * torch.eye(n, dtype=torch.float64)).to(dt)


SOLVE = [
    ("vec", (3, 3), (3,)), ("mat", (3, 3), (3, 2)), ("batch_vec", (2, 3, 3), (3,)), ("batch_vec2", (2, 3, 3), (2, 3)),
    ("batch_mat_bcast", (2, 3, 3), (3, 2)), ("batch_col", (2, 3, 3), (2, 3, 1)), ("bcast_b", (3, 3), (4, 3, 2)),
    ("bcast_both", (2, 1, 4, 4), (3, 4, 2)), ("big", (10, 10), (10, 4)), ("one", (1, 1), (1,)),
    ("empty_batch", (0, 3, 3), (0, 3)), ("empty_n", (0, 0), (0,)),
    ("err_shape", (3, 3), (2, 3)), ("err_vec_shape", (3, 3), (4,)), ("err_mat_shape", (3, 3), (4, 2)),
    ("err_square", (3, 4), (3,)), ("err_1d", (3,), (3,)), ("err_0d_b", (3, 3), ()), ("err_bcast", (2, 3, 3), (5, 3, 1)),
    ("err_batched_shape", (2, 2, 3, 3), (2, 3)),
]
for dt in [F32, F64]:
    for name, sa, sb in SOLVE:
        A = Arg(dt, sa, base=well_conditioned(dt, sa) if len(sa) >= 2 and sa[-1] == sa[-2] else make_base(dt, sa))
        B = Arg(dt, sb)
        case(f"{name}_{str(dt)[6:]}", "solve", [A, B], torch.linalg.solve, tol=("rel", 1e-5 if dt == F32 else 1e-12))
    A = Arg(dt, (3, 3), ["T:0:1"], base=well_conditioned(dt, (3, 3)))
    case(f"T_{str(dt)[6:]}", "solve", [A, Arg(dt, (2, 3), ["T:0:1"])], torch.linalg.solve, tol=("rel", 1e-5 if dt == F32 else 1e-12))
    case(f"singular_{str(dt)[6:]}", "solve", [Arg(dt, (2, 2), base=torch.tensor([[1., 2.], [2., 4.]], dtype=dt)), Arg(dt, (2,))],
         torch.linalg.solve)
    sing = well_conditioned(dt, (3, 3, 3))
    sing[1] = 0
    case(f"singular_batch_{str(dt)[6:]}", "solve", [Arg(dt, (3, 3, 3), base=sing), Arg(dt, (3,))], torch.linalg.solve)
case("err_dtype", "solve", [Arg(F64, (3, 3)), Arg(F32, (3,))], torch.linalg.solve)
case("err_int", "solve", [Arg(torch.int64, (3, 3)), Arg(torch.int64, (3,))], torch.linalg.solve)
case("err_half", "solve", [Arg(F16, (3, 3)), Arg(F16, (3,))], torch.linalg.solve)
case("err_bf16", "solve", [Arg(BF, (3, 3)), Arg(BF, (3,))], torch.linalg.solve)


# ----- norms -----
def ntol(dt):
    return {F32: 1e-6, F64: 1e-15, F16: 1e-3, BF: 8e-3}[dt]


def ord_str(o):
    return repr(float(o))


ORDS = [2, 1, float("inf"), -float("inf"), 0, 3, 0.5, -1, -2, 1.5]
for dt in [F32, F64, F16, BF]:
    n = str(dt)[6:]
    for o in (ORDS if dt in (F32, F64) else ORDS[:6]):
        for dims, keep, views, shape in [(None, False, [], (4, 5)), ((1,), False, [], (4, 5)), ((0,), True, [], (4, 5)),
                                         ((-1, 0), False, ["T:0:1"], (4, 5)), ((0, 2), False, ["S:1:0:6:2"], (3, 6, 2)),
                                         ((2,), True, ["P:2,0,1"], (3, 4, 2))]:
            params = [("ord", ord_str(o)), ("keepdim", int(keep))]
            if dims is not None:
                params.append(("dims", ",".join(map(str, dims))))
            fn = lambda t, o=o, dims=dims, keep=keep: torch.linalg.vector_norm(t, o, dim=dims, keepdim=keep)  # noqa: E731
            tag = "all" if dims is None else "_".join(map(str, dims))
            if o not in (2, 1, float("inf")) and tag not in ("all", "-1_0", "0_2"):
                continue
            case(f"{n}_{ord_str(o)}_{tag}_{int(keep)}", "vector_norm", [Arg(dt, shape, views)], fn, params,
                 tol=("rel", ntol(dt)))
for dt in [F32, F64]:
    n = str(dt)[6:]
    case(f"long_{n}", "vector_norm", [Arg(dt, (300,))], lambda t: torch.linalg.vector_norm(t),
         [("ord", "2.0"), ("keepdim", 0)], tol=("rel", 2 * ntol(dt)))
    case(f"long_p1_{n}", "vector_norm", [Arg(dt, (300,))], lambda t: torch.linalg.vector_norm(t, 1),
         [("ord", "1.0"), ("keepdim", 0)], tol=("rel", 2 * ntol(dt)))
special = {
    "overflow_f32": torch.tensor([1e30, 1e30]), "underflow_f32": torch.tensor([1e-30, 1e-30]),
    "overflow_f16": torch.tensor([300., 300.], dtype=F16), "big_ok_f64": torch.tensor([1e150, 1e150], dtype=F64),
    "inf": torch.tensor([1., float("inf"), 2.]), "nan": torch.tensor([1., float("nan"), 2.]),
    "neg_zero": torch.tensor([-0.0, 0.0, 3.0]), "scalar": torch.tensor(-3.0),
}
for name, t in special.items():
    for o in [2, 1, float("inf"), -float("inf"), 0, 3, -1]:
        case(f"{name}_{ord_str(o)}", "vector_norm", [Arg(t.dtype, tuple(t.shape), base=t)],
             lambda x, o=o: torch.linalg.vector_norm(x, o), [("ord", ord_str(o)), ("keepdim", 0)], tol=("rel", ntol(t.dtype)))
VN_ERR = [
    ("int", Arg(torch.int64, (2, 3)), 2.0, None), ("bool", Arg(torch.bool, (2, 3)), 2.0, None),
    ("empty_inf", Arg(F32, (0,)), float("inf"), None), ("empty_neginf", Arg(F32, (0,)), -float("inf"), None),
    ("empty_neg1", Arg(F32, (0,)), -1.0, None), ("empty_inf_dim0", Arg(F32, (0, 3)), float("inf"), (0,)),
    ("empty_inf_dim1", Arg(F32, (0, 3)), float("inf"), (1,)), ("empty_0", Arg(F32, (0,)), 0.0, None),
    ("empty_2", Arg(F32, (0, 3)), 2.0, None), ("empty_2_dim0", Arg(F32, (0, 3)), 2.0, (0,)),
    ("dup_dims", Arg(F32, (2, 3)), 2.0, (0, 0)), ("dup_neg", Arg(F32, (2, 3)), 2.0, (1, -1)),
    ("dim_range", Arg(F32, (2, 3)), 2.0, (3,)), ("scalar_dim0", Arg(F32, ()), 2.0, (0,)),
]
for name, a, o, dims in VN_ERR:
    params = [("ord", ord_str(o)), ("keepdim", 0)] + ([("dims", ",".join(map(str, dims)))] if dims else [])
    case(name, "vector_norm", [a], lambda t, o=o, dims=dims: torch.linalg.vector_norm(t, o, dim=dims), params,
         tol=("rel", 1e-6))

# torch.norm
for dt in [F32, F64, F16, BF]:
    n = str(dt)[6:]
    for o in [2, 1, float("inf"), -float("inf"), 0, 3, -1][: 7 if dt in (F32, F64) else 4]:
        for dims, keep in [(None, False), ((1,), False), ((0,), True), ((0, 1), False)]:
            params = [("ord", ord_str(o)), ("keepdim", int(keep))]
            if dims is not None:
                params.append(("dims", ",".join(map(str, dims))))
            fn = (lambda t, o=o: torch.norm(t, o)) if dims is None else \
                (lambda t, o=o, dims=dims, keep=keep: torch.norm(t, o, dims, keep))
            case(f"{n}_{ord_str(o)}_{dims}_{int(keep)}", "norm", [Arg(dt, (3, 4), ["T:0:1"])], fn, params,
                 tol=("rel", ntol(dt)))
for name, a, o, dims in [("int", Arg(torch.int64, (2, 3)), 2.0, None), ("int_dim", Arg(torch.int64, (2, 3)), 2.0, (1,)),
                         ("dup", Arg(F32, (2, 3)), 2.0, (0, 0)), ("range", Arg(F32, (2, 3)), 2.0, (5,)),
                         ("empty_inf", Arg(F32, (0, 3)), float("inf"), (1,)), ("empty_neginf", Arg(F32, (0, 3)), -float("inf"), (0,)),
                         ("empty_neg1", Arg(F32, (0, 3)), -1.0, (0,)), ("empty_inf_all", Arg(F32, (0,)), float("inf"), None),
                         ("empty_2", Arg(F32, (0, 3)), 2.0, (0,))]:
    params = [("ord", ord_str(o)), ("keepdim", 0)] + ([("dims", ",".join(map(str, dims)))] if dims else [])
    fn = (lambda t, o=o: torch.norm(t, o)) if dims is None else (lambda t, o=o, dims=dims: torch.norm(t, o, dims))
    case(name, "norm", [a], fn, params, tol=("rel", 1e-6))

# torch.linalg.norm
LN = [
    ("none", None, None, False, (3, 4), []), ("none_3d", None, None, False, (2, 3, 4), []),
    ("none_dim1", None, (1,), False, (3, 4), []), ("none_dim01", None, (0, 1), True, (3, 4), []),
    ("fro", "fro", None, False, (3, 4), []), ("nuc", "nuc", None, False, (3, 4), []), ("nuc_T", "nuc", None, False, (4, 3), ["T:0:1"]),
    ("fro_dims", "fro", (2, 0), False, (3, 2, 4), []), ("nuc_dims", "nuc", (0, 2), True, (3, 2, 4), []),
    ("2", 2.0, None, False, (3, 4), []), ("-2", -2.0, None, False, (4, 3), []), ("1", 1.0, None, False, (3, 4), []),
    ("-1", -1.0, None, False, (3, 4), []), ("inf", float("inf"), None, False, (3, 4), []),
    ("-inf", -float("inf"), None, False, (3, 4), []), ("inf_keep", float("inf"), (0, 1), True, (3, 4), []),
    ("1_dims", 1.0, (2, 0), False, (3, 2, 4), []), ("inf_dims", float("inf"), (2, 0), False, (3, 2, 4), []),
    ("-1_dims_keep", -1.0, (1, 2), True, (2, 3, 4), []), ("2_dims", 2.0, (0, 2), False, (3, 2, 4), []),
    ("-2_dims_keep", -2.0, (2, 1), True, (2, 3, 4), []), ("2_sliced", 2.0, None, False, (6, 5), ["S:0:0:6:2"]),
    ("vec_2", 2.0, None, False, (6,), []), ("vec_inf", float("inf"), None, False, (6,), []), ("vec_3", 3.0, None, False, (6,), []),
    ("vec_dim", 3.0, (1,), False, (3, 4), []), ("vec_dim_0", 0.0, (0,), True, (3, 4), []),
    ("err_3", 3.0, None, False, (3, 4), []), ("err_0", 0.0, None, False, (3, 4), []),
    ("err_fro_1d", "fro", None, False, (6,), []), ("err_nuc_1d", "nuc", None, False, (6,), []),
    ("err_3d_ord", 2.0, None, False, (2, 3, 4), []), ("err_3d_fro", "fro", None, False, (2, 3, 4), []),
    ("err_fro_dim1", "fro", (1,), False, (3, 4), []), ("err_same_dims", 2.0, (0, 0), False, (3, 4), []),
    ("err_same_dims_neg", 1.0, (0, -2), False, (3, 4), []), ("err_dim_range", 2.0, (0, 5), False, (3, 4), []),
    ("err_3_dims", 3.0, (0, 1), False, (3, 4), []), ("err_abc", "abc", None, False, (3, 4), []),
    ("err_3dims", None, (0, 1, 1), False, (2, 3, 4), []),
    ("empty_2", 2.0, None, False, (0, 3), []), ("empty_1", 1.0, None, False, (0, 3), []), ("empty_-1", -1.0, None, False, (0, 3), []),
    ("empty_inf", float("inf"), None, False, (0, 3), []), ("empty_inf_T", float("inf"), None, False, (3, 0), []),
    ("empty_nuc", "nuc", None, False, (0, 3), []), ("empty_fro", "fro", None, False, (0, 3), []),
    ("empty_-2", -2.0, None, False, (3, 0), []),
]
for dt in [F32, F64]:
    n = str(dt)[6:]
    for name, o, dims, keep, shape, views in LN:
        params = [("keepdim", int(keep))]
        if isinstance(o, str):
            params.append(("ordstr", o))
        elif o is not None:
            params.append(("ord", ord_str(o)))
        if dims is not None:
            params.append(("dims", ",".join(map(str, dims))))
        fn = lambda t, o=o, dims=dims, keep=keep: torch.linalg.norm(t, o, dims, keep)  # noqa: E731
        case(f"{name}_{n}", "linalg_norm", [Arg(dt, shape, views)], fn, params,
             tol=("rel", 4e-6 if dt == F32 else 1e-13))
for dt in [F32, F64]:
    for v in [float("nan"), float("inf")]:
        x = torch.tensor([[[1., 2.], [3., 4.]], [[1., v], [3., 4.]]], dtype=dt)
        for o in ["nuc", 2.0, -2.0, 1.0, float("inf")]:
            params = [("keepdim", 0), ("dims", "1,2")] + ([("ordstr", o)] if isinstance(o, str) else [("ord", ord_str(o))])
            case(f"nonfinite_{v}_{o}_{str(dt)[6:]}", "linalg_norm", [Arg(dt, (2, 2, 2), base=x)],
                 lambda t, o=o: torch.linalg.norm(t, o, (1, 2)), params, tol=("rel", 1e-6))
            params = [("keepdim", 0)] + ([("ordstr", o)] if isinstance(o, str) else [("ord", ord_str(o))])
            case(f"nonfinite_2d_{v}_{o}_{str(dt)[6:]}", "linalg_norm", [Arg(dt, (2, 2), base=x[1])],
                 lambda t, o=o: torch.linalg.norm(t, o), params, tol=("rel", 1e-6))
for dt in [F16, BF, torch.int64]:
    n = str(dt)[6:]
    for name, o in [("none", None), ("fro", "fro"), ("nuc", "nuc"), ("2", 2.0), ("1", 1.0), ("inf", float("inf"))]:
        params = [("keepdim", 0)]
        if isinstance(o, str):
            params.append(("ordstr", o))
        elif o is not None:
            params.append(("ord", ord_str(o)))
        case(f"{name}_{n}", "linalg_norm", [Arg(dt, (3, 4), kind="n")], lambda t, o=o: torch.linalg.norm(t, o), params,
             tol=("rel", ntol(dt) if dt.is_floating_point else 0))


with open(os.path.join(HERE, "linalg.txt"), "w") as f:
    f.write("\n".join(OUT) + "\n")
