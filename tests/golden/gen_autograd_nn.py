#!/usr/bin/python3
"""Writes autograd_nn.txt: what real PyTorch 1.13 gives for the fused nn ops (addmm, linear, the
softmaxes, the losses), linalg.solve and the matrix norms, and matmul's recorded graph; read by
tests/engine/test-autograd-nn.c.

Run with Debian's PyTorch from anywhere: /usr/bin/python3 tests/golden/gen_autograd_nn.py

Records:
  names          one line per gradcheck case of test-autograd-nn.c: "CASE GRAD_FN_NAME" (CASES below
                 mirrors the expression each case builds, on float64 leaves from leaf())
  chain/NAME     the names of the first-input path of a graph, "A -> B -> C"
  value/NAME     float32 results: one tensor per line, "LABEL SHAPE HEX,HEX,..." (bit patterns,
                 row-major); out is the forward value, gK the gradient of sum(out * wts) for input K
  error/NAME     "Kind: message"

float32 inputs are exact: inp(shape, seed) = (((i * 7 + seed * 5) % 17) - 8) / 8 for i = 0..n-1;
wts(shape) = 0.5 + ((i * 3) % 7) / 4; test-autograd-nn.c computes both the same way.
"""
import math
import os
import struct

os.environ.setdefault("ATEN_CPU_CAPABILITY", "avx2")

import warnings  # noqa: E402

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

warnings.filterwarnings("ignore")
torch.set_num_threads(1)

HERE = os.path.dirname(os.path.abspath(__file__))
records = []


def rec(name, value):
    records.append((name, value))


def numel(shape):
    n = 1
    for s in shape:
        n *= s
    return n


def inp(shape, seed, dtype=torch.float32):
    vals = [(((i * 7 + seed * 5) % 17) - 8) / 8 for i in range(numel(shape))]
    return torch.tensor(vals, dtype=dtype).reshape(shape)


def wts(shape, dtype=torch.float32):
    vals = [0.5 + ((i * 3) % 7) / 4 for i in range(numel(shape))]
    return torch.tensor(vals, dtype=dtype).reshape(shape)


def hexs(t):
    t = t.detach().contiguous().reshape(-1)
    if t.dtype == torch.float64:
        return ",".join("%016x" % struct.unpack("<Q", struct.pack("<d", v))[0] for v in t.tolist())
    return ",".join("%08x" % struct.unpack("<I", struct.pack("<f", v))[0] for v in t.float().tolist())


def tline(label, t):
    shape = ",".join(str(s) for s in t.shape) or "-"
    return "%s %s %s" % (label, shape, hexs(t) or "-")


# ----- gradcheck cases: float64 leaves as test-autograd-nn.c's leaf() -----

def leaf_value(i, seed):
    v = math.sin(1.3 * i + 0.7 * seed + 0.3) * 1.5
    if abs(v) < 0.2:
        v += -0.3 if v < 0 else 0.3
    return v


def leaf(shape, seed, positive=False):
    vals = [leaf_value(i, seed) for i in range(numel(shape))]
    if positive:
        vals = [abs(v) + 0.5 for v in vals]
    return torch.tensor(vals, dtype=torch.float64).reshape(shape).requires_grad_()


def probs(shape):
    # targets in (0, 1) that the C side builds the same way
    return torch.tensor([0.15 + 0.7 * ((i * 5) % 7) / 6 for i in range(numel(shape))],
                        dtype=torch.float64).reshape(shape)


def sig(x):
    return torch.sigmoid(x)


T = torch.tensor
D = torch.float64
CASES = [
    ("addmm", [(3,), (2, 4), (4, 3)], False, lambda a, b, c: torch.addmm(a, b, c)),
    ("addmm-scaled", [(2, 3), (2, 4), (4, 3)], False, lambda a, b, c: torch.addmm(a, b, c, beta=0.5, alpha=-2)),
    ("addmm-colmajor", [(1, 3), (4, 2), (3, 4)], False, lambda a, b, c: torch.addmm(a, b.t(), c.t())),
    ("linear", [(5, 4), (3, 4), (3,)], False, lambda x, w, b: F.linear(x, w, b)),
    ("linear-1d", [(4,), (3, 4), (3,)], False, lambda x, w, b: F.linear(x, w, b)),
    ("linear-3d", [(2, 5, 4), (3, 4), (3,)], False, lambda x, w, b: F.linear(x, w, b)),
    ("linear-3d-t", [(5, 2, 4), (3, 4), (3,)], False, lambda x, w, b: F.linear(x.transpose(0, 1), w, b)),
    ("linear-nobias", [(5, 4), (3, 4)], False, lambda x, w: F.linear(x, w)),
    ("softmax-1", [(3, 4)], False, lambda x: F.softmax(x, 1)),
    ("softmax-0", [(3, 4)], False, lambda x: F.softmax(x, 0)),
    ("softmax-t", [(4, 3, 2)], False, lambda x: F.softmax(x.transpose(0, 2), 1)),
    ("log-softmax-1", [(3, 4)], False, lambda x: F.log_softmax(x, 1)),
    ("log-softmax-0", [(2, 3, 2)], False, lambda x: F.log_softmax(x, 0)),
    ("log-softmax-t", [(4, 3)], False, lambda x: F.log_softmax(x.t(), -1)),
    ("mse-mean", [(3, 4), (3, 4)], False, lambda a, b: F.mse_loss(a, b)),
    ("mse-sum", [(3, 4), (3, 4)], False, lambda a, b: F.mse_loss(a, b, reduction="sum")),
    ("mse-none", [(3, 4), (4,)], False, lambda a, b: F.mse_loss(a, b, reduction="none")),
    ("mse-bcast", [(3, 4), (4,)], False, lambda a, b: F.mse_loss(a, b)),
    ("bce-mean", [(3, 4)], False, lambda a: F.binary_cross_entropy(sig(a), probs((3, 4)))),
    ("bce-none-w", [(3, 4)], False,
     lambda a: F.binary_cross_entropy(sig(a), probs((3, 4)), weight=wts((4,), D).expand(3, 4), reduction="none")),
    ("bce-target", [(3, 4), (3, 4)], False, lambda a, t: F.binary_cross_entropy(sig(a), sig(t), reduction="sum")),
    ("bce-logits", [(3, 4), (3, 4)], False, lambda a, t: F.binary_cross_entropy_with_logits(a, sig(t))),
    ("bce-logits-pw", [(3, 4), (3, 4)], False,
     lambda a, t: F.binary_cross_entropy_with_logits(a, sig(t), weight=wts((4,), D), pos_weight=wts((4,), D) + 1,
                                                     reduction="sum")),
    ("bce-logits-none", [(2, 3)], False,
     lambda a: F.binary_cross_entropy_with_logits(a.t(), probs((3, 2)), reduction="none")),
    ("nll-mean", [(4, 3)], False, lambda x: F.nll_loss(x, T([0, 2, 1, 2]))),
    ("nll-sum-w", [(4, 3)], False, lambda x: F.nll_loss(x, T([0, 2, 1, 2]), weight=wts((3,), D), reduction="sum")),
    ("nll-mean-w-ignore", [(4, 3)], False,
     lambda x: F.nll_loss(x, T([0, 2, 1, 2]), weight=wts((3,), D), ignore_index=1)),
    ("nll-none", [(4, 3)], False, lambda x: F.nll_loss(x, T([0, 2, 1, 2]), reduction="none")),
    ("nll-1d", [(3,)], False, lambda x: F.nll_loss(x, T(2))),
    ("cross-entropy", [(4, 3)], False, lambda x: F.cross_entropy(x, T([0, 2, 1, 2]))),
    ("solve", [(3, 3), (3, 2)], False, lambda a, b: torch.linalg.solve(a, b)),
    ("solve-vector", [(3, 3), (3,)], False, lambda a, b: torch.linalg.solve(a, b)),
    ("solve-batch", [(2, 3, 3), (3, 2)], False, lambda a, b: torch.linalg.solve(a, b)),
    ("norm-nuc", [(2, 3)], False, lambda a: torch.linalg.norm(a, "nuc")),
    ("norm-2", [(3, 2)], False, lambda a: torch.linalg.norm(a, 2)),
    ("norm--2", [(2, 3)], False, lambda a: torch.linalg.norm(a, -2)),
    ("norm-1", [(2, 3)], False, lambda a: torch.linalg.norm(a, 1)),
    ("norm--1", [(2, 3)], False, lambda a: torch.linalg.norm(a, -1)),
    ("norm-inf", [(2, 3)], False, lambda a: torch.linalg.norm(a, float("inf"))),
    ("norm--inf", [(2, 3)], False, lambda a: torch.linalg.norm(a, -float("inf"))),
    ("norm-2-batch", [(2, 3, 2)], False, lambda a: torch.linalg.norm(a, 2, dim=(0, 2), keepdim=True)),
    ("matmul-3d-2d", [(2, 3, 4), (4, 2)], False, lambda a, b: a @ b),
    ("matmul-3d-1d", [(2, 3, 4), (4,)], False, lambda a, b: a @ b),
    ("matmul-1d-3d", [(3,), (2, 3, 4)], False, lambda a, b: a @ b),
    ("matmul-2d-3d", [(2, 3), (2, 3, 4)], False, lambda a, b: a @ b),
    ("matmul-1d-2d", [(3,), (3, 4)], False, lambda a, b: a @ b),
    ("matmul-batch", [(2, 1, 2, 3), (3, 3, 2)], False, lambda a, b: a @ b),
    ("matmul-3d-t", [(2, 4, 3), (4, 2)], False, lambda a, b: a.transpose(1, 2) @ b),
    ("einsum-ellipsis", [(2, 3, 4), (4, 2)], False, lambda a, b: torch.einsum("...ij,jk->...ik", a, b)),
    ("einsum-ellipsis-bcast", [(2, 3, 4), (3, 1)], False, lambda a, b: torch.einsum("...k,...k->...", a, b.sum(1, keepdim=True))),
    ("einsum-ellipsis-implicit", [(2, 3, 4), (4, 2)], False, lambda a, b: torch.einsum("...ij,jk", a, b)),
]

names = []
for name, shapes, positive, f in CASES:
    ins = [leaf(s, k + 1, positive) for k, s in enumerate(shapes)]
    out = f(*ins)
    names.append("%s %s" % (name, out.grad_fn.name()))
rec("names", "\n".join(names))


# ----- graphs: the names along the first input -----

def chain(t):
    out = []
    fn = t.grad_fn
    while fn is not None:
        out.append(fn.name())
        nxt = [f for f, _ in fn.next_functions if f is not None]
        fn = nxt[0] if nxt else None
    return " -> ".join(out)


g = torch.Generator().manual_seed(0)
rg = lambda *s: torch.randn(*s, generator=g).requires_grad_()  # noqa: E731
rec("chain/matmul-3d-2d", chain(rg(2, 3, 4) @ rg(4, 5)))
rec("chain/matmul-1d-3d", chain(rg(3) @ rg(2, 3, 4)))
rec("chain/matmul-2d-3d", chain(rg(5, 3) @ rg(2, 3, 4)))
rec("chain/matmul-batch", chain(rg(7, 1, 3, 4) @ rg(2, 4, 5)))
rec("chain/matmul-3d-t", chain(rg(2, 4, 3).transpose(1, 2) @ rg(4, 5)))
rec("chain/linear-1d", chain(F.linear(rg(4), rg(3, 4), rg(3))))
rec("chain/linear-3d", chain(F.linear(rg(2, 5, 4), rg(3, 4), rg(3))))
rec("chain/linear-3d-t", chain(F.linear(rg(5, 2, 4).transpose(0, 1), rg(3, 4), rg(3))))
rec("chain/linear-2d", chain(F.linear(rg(2, 4), rg(3, 4), rg(3))))
rec("chain/cross-entropy", chain(F.cross_entropy(rg(4, 3), T([0, 2, 1, 2]))))
rec("chain/norm-nuc", chain(torch.linalg.norm(rg(2, 3), "nuc")))
rec("chain/norm-1", chain(torch.linalg.norm(rg(2, 3), 1)))


# ----- float32 values and gradients, bit for bit -----

def value(name, f, shapes, extra=None):
    ins = [inp(s, k + 1).requires_grad_() for k, s in enumerate(shapes)]
    out = f(*ins)
    lines = [tline("out", out)]
    (out * wts(tuple(out.shape))).sum().backward()
    for k, t in enumerate(ins):
        lines.append(tline("g%d" % k, t.grad if t.grad is not None else torch.zeros(t.shape)))
    rec("value/" + name, "\n".join(lines))


def p32(shape):
    return torch.tensor([0.15 + 0.7 * ((i * 5) % 7) / 6 for i in range(numel(shape))],
                        dtype=torch.float32).reshape(shape)


tgt = torch.tensor([0, 2, 1, 2, 0, 1, 1, 2])
value("addmm", lambda a, b, c: torch.addmm(a, b, c), [(3,), (5, 4), (4, 3)])
value("addmm-n1", lambda a, b, c: torch.addmm(a, b, c), [(1,), (8, 16), (16, 1)])
value("addmm-scaled", lambda a, b, c: torch.addmm(a, b, c, beta=0.5, alpha=1.5), [(4, 3), (4, 5), (5, 3)])
value("linear", lambda x, w, b: F.linear(x, w, b), [(8, 5), (16, 5), (16,)])
value("linear-n1", lambda x, w, b: F.linear(x, w, b), [(8, 16), (1, 16), (1,)])
value("linear-3d-t", lambda x, w, b: F.linear(x.transpose(0, 1), w, b), [(5, 2, 4), (3, 4), (3,)])
value("mm-n1", lambda a, b: a @ b, [(8, 16), (16, 1)])
value("bmm-small", lambda a, b: torch.bmm(a, b), [(2, 3, 7), (2, 7, 5)])
value("bmm-large", lambda a, b: torch.bmm(a, b), [(2, 8, 16), (2, 16, 8)])
value("matmul-3d-2d", lambda a, b: a @ b, [(2, 3, 4), (4, 2)])
value("mse-mean", lambda a, b: F.mse_loss(a, b), [(3, 4), (3, 4)])
value("mse-sum", lambda a, b: F.mse_loss(a, b, reduction="sum"), [(3, 4), (3, 4)])
value("mse-none", lambda a, b: F.mse_loss(a, b, reduction="none"), [(3, 4), (4,)])
value("bce-mean", lambda a: F.binary_cross_entropy(a * 0.45 + 0.5, p32((3, 4))), [(3, 4)])
value("bce-none-w", lambda a: F.binary_cross_entropy(a * 0.45 + 0.5, p32((3, 4)), weight=wts((3, 4)),
                                                     reduction="none"), [(3, 4)])
value("bce-clamp", lambda a: F.binary_cross_entropy(torch.clamp(a, 0, 1), p32((3, 4)), reduction="sum"), [(3, 4)])
value("bce-logits", lambda a, t: F.binary_cross_entropy_with_logits(a * 4, t * 0.45 + 0.5), [(3, 4), (3, 4)])
value("bce-logits-pw", lambda a: F.binary_cross_entropy_with_logits(a * 4, p32((3, 4)), weight=wts((4,)),
                                                                    pos_weight=wts((4,)) + 1, reduction="sum"),
      [(3, 4)])
value("bce-logits-extreme", lambda a: F.binary_cross_entropy_with_logits(a * 100, p32((2, 2)), reduction="none"),
      [(2, 2)])
value("softmax", lambda x: F.softmax(x * 3, 1), [(4, 5)])
value("softmax-0", lambda x: F.softmax(x, 0), [(4, 5)])
value("log-softmax", lambda x: F.log_softmax(x * 3, 1), [(4, 5)])
value("log-softmax-0", lambda x: F.log_softmax(x.t(), 0), [(4, 5)])
value("nll-mean", lambda x: F.nll_loss(x, tgt), [(8, 3)])
value("nll-sum-w", lambda x: F.nll_loss(x, tgt, weight=wts((3,)), reduction="sum"), [(8, 3)])
value("nll-mean-w-ignore", lambda x: F.nll_loss(x, tgt, weight=wts((3,)), ignore_index=1), [(8, 3)])
value("nll-none", lambda x: F.nll_loss(x, tgt, weight=wts((3,)), reduction="none"), [(8, 3)])
value("cross-entropy", lambda x: F.cross_entropy(x * 2, tgt), [(8, 3)])


# ----- errors -----

def err(name, f):
    try:
        f()
    except Exception as e:  # noqa: BLE001
        rec("error/" + name, "%s: %s" % (type(e).__name__, e))
        return
    raise SystemExit("no error for " + name)


o23, o34 = torch.ones(2, 3), torch.ones(3, 4)
err("addmm-mat1-1d", lambda: torch.addmm(torch.ones(4), torch.ones(3), o34))
err("addmm-mat2-1d", lambda: torch.addmm(torch.ones(4), o23, torch.ones(3)))
err("addmm-shapes", lambda: torch.addmm(torch.ones(4), o23, torch.ones(4, 4)))
err("addmm-expand", lambda: torch.addmm(torch.ones(3), o23, o34))
err("addmm-dtype", lambda: torch.addmm(torch.ones(4), o23.double(), o34))
err("addmm-self-dtype", lambda: torch.addmm(torch.ones(4).double(), o23, o34))
err("linear-shapes", lambda: F.linear(torch.ones(2, 5), torch.ones(3, 4)))
err("linear-1d-shapes", lambda: F.linear(torch.ones(5), torch.ones(3, 4)))
err("mse-long", lambda: F.mse_loss(torch.ones(2, 3).long(), torch.ones(2, 3).long()))
err("bce-range", lambda: F.binary_cross_entropy(torch.full((2,), 1.5), torch.ones(2)))
err("bce-nan", lambda: F.binary_cross_entropy(torch.tensor([0.5, float("nan")]), torch.ones(2)))
err("bce-dtype", lambda: F.binary_cross_entropy(torch.full((2,), 0.5).double(), torch.ones(2)))
err("nll-target-bounds", lambda: F.nll_loss(o23, torch.tensor([0, 3])))
err("nll-target-negative", lambda: F.nll_loss(o23, torch.tensor([0, -1])))
err("nll-target-dtype", lambda: F.nll_loss(o23, torch.tensor([0.0, 1.0])))
err("nll-batch", lambda: F.nll_loss(o23, torch.tensor([0])))
err("nll-weight", lambda: F.nll_loss(o23, torch.tensor([0, 1]), weight=torch.ones(2)))
err("nll-0d", lambda: torch._C._nn.nll_loss_nd(torch.tensor(1.0), torch.tensor(0), None, 1, -100))
err("softmax-long", lambda: torch.softmax(torch.ones(2, 3).long(), 1))
err("softmax-long-dim0", lambda: torch.softmax(torch.ones(2, 3).long(), 0))
err("log-softmax-long", lambda: torch.log_softmax(torch.ones(2, 3).long(), 1))
err("softmax-dim", lambda: torch.softmax(o23, 2))
err("solve-singular-grad", lambda: torch.linalg.solve(torch.zeros(2, 2, requires_grad=True), torch.ones(2)))
err("matmul-grad-shapes", lambda: torch.randn(2, 3, 4, requires_grad=True) @ torch.randn(5, 2))
err("matmul-grad-batch", lambda: torch.randn(2, 3, 4, requires_grad=True) @ torch.randn(3, 4, 2))

with open(os.path.join(HERE, "autograd_nn.txt"), "w") as fh:
    for name, value in records:
        fh.write("@@ %s\n" % name)
        for line in value.split("\n"):
            fh.write(("@" + line if line.startswith("@@") else line) + "\n")
print("wrote %d records" % len(records))
