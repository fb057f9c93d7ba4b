#!/usr/bin/python3
"""Writes autograd.txt: what real PyTorch 1.13 gives for autodiff, read by test-autograd.c.

Run with Debian's PyTorch: /usr/bin/python3 tests/golden/gen_autograd.py

Records:
  names            one line per gradcheck case of test-autograd.c: "CASE GRAD_FN_NAME" (the expression
                   each case builds is mirrored in CASES below)
  grad/NAME        gradients of a composite expression, one tensor per line:
                   "LABEL SHAPE STRIDES HEX,HEX,..." (float32 bit patterns, row-major)
  error/NAME       "Kind: message"
  repr/NAME        the printout (repr) of a tensor that has a grad_fn or requires grad

Inputs are exact float32 values from inp(n, seed): (((i * 7 + seed * 5) % 17) - 8) / 8 for
i = 0..n-1, which test-autograd.c computes the same way.
"""
import os
import struct

os.environ.setdefault("ATEN_CPU_CAPABILITY", "avx2")

import warnings  # noqa: E402

import torch  # noqa: E402

warnings.filterwarnings("ignore")

torch.set_num_threads(1)

HERE = os.path.dirname(os.path.abspath(__file__))
records = []


def rec(name, value):
    records.append((name, value))


def inp(shape, seed, dtype=torch.float32):
    n = 1
    for s in shape:
        n *= s
    vals = [(((i * 7 + seed * 5) % 17) - 8) / 8 for i in range(n)]
    return torch.tensor(vals, dtype=dtype).reshape(shape)


def leaf(shape, seed):
    return inp(shape, seed).requires_grad_()


def hexs(t):
    t = t.detach().contiguous().reshape(-1)
    return ",".join("%08x" % struct.unpack("<I", struct.pack("<f", float(v)))[0] for v in t.tolist())


def tline(label, t):
    shape = ",".join(str(s) for s in t.shape) or "-"
    strides = ",".join(str(s) for s in t.stride()) or "-"
    return "%s %s %s %s" % (label, shape, strides, hexs(t))


# ----- node names of the gradcheck cases (mirrors test-autograd.c's cases[]) -----

def L(*shape, positive=False):
    x = torch.randn(shape, dtype=torch.float64)
    if positive:
        x = x.abs() + 0.5
    return x.requires_grad_()


def split_case(x):
    p = x.split(2, 1)
    return p[0] * p[1] + p[0]


def inplace_case(a, b):
    y = a * b
    y.mul_(2)
    y.tanh_()
    return y


def inplace_view_case(a, b):
    y = a * b
    y[1].mul_(a)
    return y


def copy_into_case(a):
    y = torch.zeros(2, 3, dtype=torch.float64)
    y[0].copy_(a)
    return y.exp()


def index_put_case(a, b):
    y = a * a
    y[:, torch.tensor([0, 2])] = b
    return y


CASES = [
    ("add-broadcast", lambda: L(3, 4) + L(4)),
    ("add-alpha", lambda: torch.add(L(3, 1), L(1, 4), alpha=2.5)),
    ("sub-alpha", lambda: torch.sub(L(3, 4), L(3, 4), alpha=3)),
    ("sub", lambda: L(4) - L(3, 4)),
    ("mul", lambda: L(3, 4) * L()),
    ("mul-transposed", lambda: L(4, 3).t() * L(3, 4)),
    ("mul-scalar", lambda: L(3, 4) * 2),
    ("div", lambda: L(3, 4) / L(4)),
    ("div-sliced", lambda: L(5, 3)[::2] / L(3, 4)[:, 1:]),
    ("pow", lambda: L(3, 4, positive=True) ** L(3, 4, positive=True)),
    ("pow-scalar", lambda: L(3, 4) ** 3.0),
    ("rpow", lambda: 2.0 ** L(3, 4)),
    ("maximum", lambda: torch.maximum(L(3, 4), L(4))),
    ("minimum", lambda: torch.minimum(L(3, 4), L(3, 4))),
    ("atan2", lambda: torch.atan2(L(3, 4), L(3, 4))),
    ("remainder", lambda: L(5) % L(5)),
    ("neg", lambda: -L(3, 4)),
    ("abs", lambda: L(3, 4).abs()),
    ("exp", lambda: L(3, 4).exp()),
    ("log", lambda: L(3, 4).log()),
    ("log1p", lambda: L(3, 4).log1p()),
    ("expm1", lambda: L(3, 4).expm1()),
    ("sqrt", lambda: L(3, 4).sqrt()),
    ("rsqrt", lambda: L(3, 4).rsqrt()),
    ("sin", lambda: L(3, 4).sin()),
    ("cos", lambda: L(3, 4).cos()),
    ("tan", lambda: L(5).tan()),
    ("tanh", lambda: L(3, 4).tanh()),
    ("sigmoid", lambda: L(3, 4).sigmoid()),
    ("relu", lambda: L(3, 4).relu()),
    ("reciprocal", lambda: L(3, 4).reciprocal()),
    ("square", lambda: L(3, 4).square()),
    ("floor", lambda: L(3, 4).floor()),
    ("clamp", lambda: L(3, 4).clamp(-0.5, 0.8)),
    ("clamp-min", lambda: L(3, 4).clamp(min=-0.5)),
    ("where", lambda: (lambda a, b: torch.where(a > 0, a, b))(L(3, 4), L(4))),
    ("sum", lambda: L(3, 4).sum()),
    ("sum-dim", lambda: L(2, 3, 4).sum(1)),
    ("sum-keepdim", lambda: L(2, 3, 4).sum((0, 1), keepdim=True)),
    ("mean", lambda: L(3, 4).mean()),
    ("mean-dim", lambda: L(3, 4).mean(0)),
    ("prod", lambda: L(2, 3).prod()),
    ("prod-dim", lambda: L(3, 4).prod(1, keepdim=True)),
    ("prod-zero", lambda: L(2, 3).prod()),
    ("prod-zeros", lambda: L(2, 3).prod()),
    ("prod-dim-zero", lambda: L(3, 4).prod(1)),
    ("amax", lambda: L(3, 4).amax(1)),
    ("amin", lambda: L(3, 4).amin(0, keepdim=True)),
    ("max", lambda: L(3, 4).max()),
    ("min", lambda: L(3, 4).min()),
    ("max-dim", lambda: L(3, 4).max(1)[0]),
    ("min-dim", lambda: L(3, 4).min(0, keepdim=True)[0]),
    ("var", lambda: L(3, 4).var()),
    ("var-dim", lambda: L(3, 4).var(1, unbiased=False, keepdim=True)),
    ("std", lambda: L(3, 4).std()),
    ("std-dim", lambda: L(3, 4).std(0)),
    ("logsumexp", lambda: L(3, 4).logsumexp(1)),
    ("norm", lambda: L(3, 4).norm()),
    ("norm-dim", lambda: torch.norm(L(3, 4), dim=1)),
    ("vector-norm-1", lambda: torch.linalg.vector_norm(L(3, 4), 1)),
    ("vector-norm-3", lambda: torch.linalg.vector_norm(L(3, 4), 3, dim=0, keepdim=True)),
    ("vector-norm-1.5", lambda: torch.linalg.vector_norm(L(3, 4), 1.5)),
    ("vector-norm-inf", lambda: torch.linalg.vector_norm(L(3, 4), float("inf"), dim=1)),
    ("linalg-norm-fro", lambda: torch.linalg.norm(L(3, 4), "fro")),
    ("linalg-norm-fro-dims", lambda: torch.linalg.norm(L(2, 3, 4), "fro", dim=(0, 2), keepdim=True)),
    ("cumprod", lambda: L(3, 4).cumprod(0)),
    ("cumsum", lambda: L(3, 4).cumsum(1)),
    ("view", lambda: L(12).view(3, 4)),
    ("reshape-copy", lambda: L(3, 4).t().reshape(-1)),
    ("reshape", lambda: L(3, 4).reshape(2, 6)),
    ("transpose", lambda: L(2, 3, 4).transpose(0, 2)),
    ("t", lambda: L(3, 4).t()),
    ("permute", lambda: L(2, 3, 4).permute(2, 0, 1)),
    ("expand", lambda: L(3, 1).expand(2, 3, 4)),
    ("squeeze", lambda: L(3, 1, 4).squeeze()),
    ("squeeze-dim", lambda: L(3, 1, 4).squeeze(1)),
    ("unsqueeze", lambda: L(3, 4).unsqueeze(1)),
    ("select", lambda: L(3, 4).select(1, -1)),
    ("slice", lambda: L(3, 5)[:, 1::2]),
    ("narrow", lambda: L(3, 4).narrow(0, 1, 2)),
    ("diagonal", lambda: L(3, 4).diagonal(1)),
    ("flatten", lambda: L(2, 3, 2).flatten()),
    ("unflatten", lambda: L(3, 4).unflatten(1, (2, 2))),
    ("as-strided", lambda: L(3, 4).as_strided((2, 2), (1, 3), 1)),
    ("index", lambda: L(3, 4)[:, torch.tensor([2, 0, 2])]),
    ("index-basic", lambda: L(3, 4)[1, 0::2]),
    ("index-mask", lambda: (lambda a: a[a > 0])(L(3, 4))),
    ("index-select", lambda: L(3, 4).index_select(0, torch.tensor([1, 1, 0]))),
    ("gather", lambda: L(3, 4).gather(1, torch.tensor([[0, 3], [3, 1]]))),
    ("masked-select", lambda: (lambda a: a.masked_select(a < 0))(L(3, 4))),
    ("cat", lambda: (lambda a, b: torch.cat([a, b, a], 1))(L(3, 2), L(3, 4))),
    ("stack", lambda: torch.stack([L(3, 4), L(3, 4)], -1)),
    ("repeat", lambda: L(3, 2).repeat(2, 1, 3)),
    ("split", lambda: split_case(L(3, 4))),
    ("clone", lambda: L(3, 4).clone()),
    ("contiguous", lambda: L(3, 4).t().contiguous()),
    ("to-dtype", lambda: L(3, 4).to(torch.float64, copy=True)),
    ("mm", lambda: L(3, 4).mm(L(4, 2))),
    ("mm-transposed", lambda: L(4, 3).t().mm(L(4, 2))),
    ("mv", lambda: L(3, 4).mv(L(4))),
    ("dot", lambda: L(4).dot(L(4))),
    ("bmm", lambda: L(2, 3, 4).bmm(L(2, 4, 2))),
    ("matmul-batched", lambda: L(2, 3, 4).matmul(L(4, 2))),
    ("matmul-broadcast", lambda: L(2, 3, 4).matmul(L(2, 1, 4, 2))),
    ("matmul-vec-mat", lambda: L(4).matmul(L(4, 3))),
    ("matmul-batch-vec", lambda: L(2, 3, 4).matmul(L(4))),
    ("matmul-vec-batch", lambda: L(3).matmul(L(2, 3, 4))),
    ("outer", lambda: torch.outer(L(3), L(4))),
    ("einsum-mm", lambda: torch.einsum("ij,jk->ik", L(3, 4), L(4, 2))),
    ("einsum-mv", lambda: torch.einsum("ij,j", L(3, 4), L(4))),
    ("einsum-sum", lambda: torch.einsum("ij->", L(3, 4))),
    ("einsum-permute", lambda: torch.einsum("ijk->kij", L(2, 3, 4))),
    ("einsum-mul", lambda: torch.einsum("ij,ij->ij", L(3, 4), L(3, 4))),
    ("einsum-bmm", lambda: torch.einsum("bij, bjk -> bik", L(2, 3, 4), L(2, 4, 2))),
    ("einsum-outer-sum", lambda: torch.einsum("ij,k->ik", L(3, 4), L(2))),
    ("inplace", lambda: inplace_case(L(3, 4), L(3, 4))),
    ("inplace-view", lambda: inplace_view_case(L(4), L(3, 4))),
    ("copy-into-view", lambda: copy_into_case(L(3))),
    ("index-put", lambda: index_put_case(L(3, 4), L(1))),
    ("mlp", lambda: torch.tanh(L(5, 3).matmul(L(3, 4))).matmul(L(4, 2))),
    ("logistic", lambda: -(torch.sigmoid(L(5, 3).mv(L(3))).log().mean())),
]

lines = []
for name, f in CASES:
    lines.append("%s %s" % (name, type(f().grad_fn).__name__))
rec("names", "\n".join(lines))

# ----- gradients of composite expressions (float32, exact bits) -----

w = leaf([5], 1)
(0.5 * (w * w).sum()).backward()
rec("grad/quadratic", tline("w", w.grad))

X = inp([6, 3], 2)
y = torch.tensor([float(i % 2) for i in range(6)])
w = leaf([3], 3)
b = leaf([], 4)
p = torch.sigmoid(X @ w + b)
loss = -(y * torch.log(p) + (1 - y) * torch.log(1 - p)).mean()
loss.backward()
rec("grad/logistic", "\n".join([tline("loss", loss), tline("w", w.grad), tline("b", b.grad)]))

X = inp([4, 3], 5)
T = inp([4, 2], 6)
W1, b1, W2, b2 = leaf([3, 5], 7), leaf([5], 8), leaf([5, 2], 9), leaf([2], 10)
h = torch.tanh(X @ W1 + b1)
out = h @ W2 + b2
loss = ((out - T) ** 2).mean()
loss.backward()
rec("grad/mlp", "\n".join([tline("loss", loss), tline("W1", W1.grad), tline("b1", b1.grad), tline("W2", W2.grad),
                           tline("b2", b2.grad)]))

w = leaf([4], 11)
(w * w).sum().backward()
first = w.grad.clone()
(w * 3).sum().backward()
rec("grad/accumulate", "\n".join([tline("first", first), tline("second", w.grad)]))

x = leaf([2, 3], 12)
G = inp([2, 3], 13)
(x.exp() * 2).backward(gradient=G)
rec("grad/vjp", tline("x", x.grad))

x = leaf([3], 14)
yv = (x * x * x).sum()
yv.backward(retain_graph=True)
yv.backward()
rec("grad/retain", tline("x", x.grad))

x = leaf([3], 15)
(g,) = torch.autograd.grad((x ** 3).sum(), x, create_graph=True)
(hs,) = torch.autograd.grad(g.sum(), x)
rec("grad/hessian", "\n".join([tline("g", g), tline("h", hs)]))

base = inp([3, 4], 16)
x = base.t().detach().requires_grad_()
(x * 2).sum().backward()
rec("grad/layout", tline("x", x.grad))

x = leaf([2, 3], 17)
h = x * 3
h.retain_grad()
(h * h).sum().backward()
rec("grad/retain-grad", "\n".join([tline("h", h.grad), tline("x", x.grad)]))

x = leaf([3, 4], 18)
(x.double() * x.double()).sum().backward()
rec("grad/to-double", tline("x", x.grad))

x = leaf([3, 4], 19)
y = x * 1
y[1:, ::2] = 0.5
y[0].mul_(x[2])
(y * y).sum().backward()
rec("grad/copyslices", tline("x", x.grad))

x = leaf([2], 20)
(x ** 3).sum().backward(create_graph=True)
rec("repr/create-graph-1", repr(x.grad))
(x ** 3).sum().backward(create_graph=True)
rec("repr/create-graph-2", repr(x.grad))
x.grad = None

# ----- errors -----


def err(name, f):
    try:
        f()
    except Exception as e:  # noqa: BLE001
        rec("error/" + name, "%s: %s" % (type(e).__name__, e))
        return
    raise SystemExit("no error for " + name)


def e_leaf_inplace():
    torch.ones(3).requires_grad_().mul_(2)


def e_leaf_view_inplace():
    leaf([3], 1).mul_(2)  # reshape() made the leaf a view of the data tensor


def e_view_leaf_inplace():
    leaf([2, 3], 1)[0].mul_(2)


def e_int_requires_grad():
    torch.tensor([1, 2]).requires_grad_()


def e_nonscalar():
    (leaf([3], 1) * 2).backward()


def e_twice():
    y = leaf([3], 1).exp().sum()
    y.backward()
    y.backward()


def e_no_grad_fn():
    torch.ones(3).sum().backward()


def e_version():
    y = leaf([3], 1).exp()
    y.add_(1)
    y.sum().backward()


def e_version_leaf():
    a = leaf([3], 1)
    c = torch.ones(3)
    w = a * c
    c.add_(1)
    w.sum().backward()


def e_shape():
    (leaf([3], 1) * 2).backward(torch.ones(2))


def e_unused():
    a, b = leaf([3], 1), leaf([3], 2)
    torch.autograd.grad((a * 2).sum(), [a, b])


err("leaf-inplace", e_leaf_inplace)
err("view-leaf-inplace", e_view_leaf_inplace)
err("leaf-view-inplace", e_leaf_view_inplace)
err("int-requires-grad", e_int_requires_grad)
err("nonscalar", e_nonscalar)
err("backward-twice", e_twice)
err("no-grad-fn", e_no_grad_fn)
err("version", e_version)
err("version-leaf", e_version_leaf)
err("grad-shape", e_shape)
err("unused", e_unused)

# ----- printouts -----

x = leaf([3], 1)
rec("repr/leaf", repr(x))
rec("repr/mul", repr(x * 2))
rec("repr/sum", repr((x * x).sum()))
rec("repr/select", repr(x[0]))
y = x * 1
y[0] = 5
rec("repr/copyslices", repr(y))
m = leaf([2, 2], 2)
rec("repr/mm", repr(m @ m))
with torch.no_grad():
    rec("repr/no-grad", repr(x * 2))

with open(os.path.join(HERE, "autograd.txt"), "w") as f:
    for name, value in records:
        f.write("@@ %s\n" % name)
        for line in value.split("\n"):
            f.write(("@" + line if line.startswith("@@") else line) + "\n")
