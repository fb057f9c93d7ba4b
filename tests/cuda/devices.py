# devices.py — PyTorch code on a CUDA device, run by `optbench run` (TAP output). On a machine
# without a GPU the tests run it on the CPU stand-in for the CUDA module (tests/meson.build sets
# TN_CUDA_MODULE); script/gpu-check.sh runs it on the real device.
#
# Every case computes the same thing on the CPU and on the device: the device's values (and the
# gradients its backward gives) must be the CPU's, and every result must stay on the device.
import torch

n_run = 0
n_failed = 0


def report(good, what):
    global n_run, n_failed
    n_run += 1
    if not good:
        n_failed += 1
    print(("ok" if good else "not ok"), n_run, "-", what)


def same(a, b):
    if a.dtype.is_floating_point:
        return torch.allclose(a, b, rtol=1e-4, atol=1e-5, equal_nan=True)
    return torch.equal(a, b)


torch.manual_seed(3)
x_cpu = torch.randn(5, 7)
w_cpu = torch.randn(3, 7)
b_cpu = torch.randn(3)
labels_cpu = torch.tensor([1, 0, 2, 1, 2])
picks_cpu = torch.tensor([[0, 5], [1, 1], [5, 2], [3, 3], [4, 0]])


def on(device):
    return (x_cpu.to(device), w_cpu.to(device), b_cpu.to(device), labels_cpu.to(device),
            picks_cpu.to(device))


forward = {
    "clamp": lambda x, w, b, y, p: x.clamp(-0.5, 0.5),
    "clamp, one bound": lambda x, w, b, y, p: torch.cat([x.clamp(min=0.1), x.clamp(max=-0.2)]),
    "clamp with a NaN bound": lambda x, w, b, y, p: x.clamp(float("nan"), 1.0),
    "clamp_ in place": lambda x, w, b, y, p: x.clone().clamp_(-0.3, 0.3),
    "where": lambda x, w, b, y, p: torch.where(x > 0, x, -x),
    "cat": lambda x, w, b, y, p: torch.cat([x, x * 2], 1),
    "stack": lambda x, w, b, y, p: torch.stack([x, x]),
    "index with a tensor": lambda x, w, b, y, p: x[torch.tensor([4, 0, 2], device=x.device)],
    "index with a mask": lambda x, w, b, y, p: x[x > 0],
    "gather": lambda x, w, b, y, p: x.gather(1, p),
    "indexing a view with an offset and strides": lambda x, w, b, y, p: x.t()[1:, ::2][torch.tensor([3, 0, 5], device=x.device)],
    "gather from a transposed view": lambda x, w, b, y, p: x.t().gather(0, p.t()[:, :5].clamp(max=4)),
    "masked_select with a broadcast mask": lambda x, w, b, y, p: x.masked_select(x[0] > 0),
    "indexing that selects nothing": lambda x, w, b, y, p: x[x > 100],
    "index_select of a 0-dim-index on a 1-D view": lambda x, w, b, y, p: x[2].index_select(0, y[:2]),
    "index_select": lambda x, w, b, y, p: x.index_select(1, y),
    "nonzero": lambda x, w, b, y, p: (x > 0.5).nonzero(),
    "max(dim)": lambda x, w, b, y, p: torch.stack([x.max(1).values, x.max(1).indices.float()]),
    "argmin": lambda x, w, b, y, p: x.argmin(0),
    "var, std": lambda x, w, b, y, p: torch.stack([x.var(0), x.std(0)]),
    "prod, cumsum": lambda x, w, b, y, p: torch.cat([x.prod(1), x.cumsum(0).flatten()]),
    "logsumexp": lambda x, w, b, y, p: x.logsumexp(1),
    "norm": lambda x, w, b, y, p: torch.stack([x.norm(), torch.linalg.norm(x, 2)]),
    "linear": lambda x, w, b, y, p: torch.nn.functional.linear(x, w, b),
    "softmax": lambda x, w, b, y, p: torch.softmax(x, 1),
    "cross_entropy": lambda x, w, b, y, p: torch.nn.functional.cross_entropy(x @ w.t() + b, y),
    "einsum": lambda x, w, b, y, p: torch.einsum("ij,kj->ik", x, w),
    "linalg.solve": lambda x, w, b, y, p: torch.linalg.solve(w @ w.t() + torch.eye(3, device=w.device), b),
    "linalg.eigvalsh": lambda x, w, b, y, p: torch.linalg.eigvalsh(w @ w.t()),
    "diag": lambda x, w, b, y, p: torch.diag(b),
    "any, all": lambda x, w, b, y, p: torch.stack([(x > 2).any(), (x > -5).all()]),
}

for name, f in forward.items():
    try:
        want = f(*on("cpu"))
        got = f(*on("cuda"))
        report(got.device.type == "cuda" and same(got.cpu(), want), name + " on the device")
    except Exception as e:
        report(False, name + " on the device raised " + str(e))


def loss_of(w, x, b, y, p):
    h = torch.tanh(torch.nn.functional.linear(x, w, b))
    z = torch.cat([h.clamp(-0.9, 0.9), h], 1)
    loss = torch.nn.functional.nll_loss(torch.log_softmax(z, 1), y)
    loss = loss + z[torch.tensor([4, 0], device=z.device)].max(1).values.var()
    loss = loss + torch.softmax(z, 0).gather(1, p.clamp(max=5)).sum()
    loss = loss + torch.where(z > 0, z, z * z).mean() + (z.unsqueeze(0) - z.unsqueeze(1)).pow(2).sum() * 1e-3
    return loss


grads = {}
for device in ("cpu", "cuda"):
    x, w, b, y, p = on(device)
    w.requires_grad_()
    loss = loss_of(w, x, b, y, p)
    loss.backward()
    grads[device] = (loss.detach(), w.grad)
report(grads["cuda"][0].device.type == "cuda" and same(grads["cuda"][0].cpu(), grads["cpu"][0]),
       "a loss through many operations, on the device")
report(grads["cuda"][1].device.type == "cuda" and same(grads["cuda"][1].cpu(), grads["cpu"][1]),
       "its gradient, on the device")

# A training loop with nn.Module and an optimizer, moved to the device.
losses = {}
for device in ("cpu", "cuda"):
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(7, 16), torch.nn.Tanh(), torch.nn.Linear(16, 3)).to(device)
    opt = torch.optim.Adam(model.parameters(), lr=0.05)
    xs, ys = x_cpu.to(device), labels_cpu.to(device)
    for step in range(20):
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(xs), ys)
        loss.backward()
        opt.step()
    losses[device] = loss.detach()
    report(all(q.device.type == device for q in model.parameters()), "the parameters stay on " + device)
report(same(losses["cuda"].cpu(), losses["cpu"]), "20 Adam steps on the device end at the CPU's loss")

# Where made-like tensors live: *_like(t) on t's device unless device= says otherwise; t.new_*()
# on t's device; in-place draws stay where the tensor is.
g = torch.ones(2, 3, device="cuda")
c = torch.ones(2)
placements = [
    (torch.zeros_like(g), "cuda"), (torch.zeros_like(g, device="cpu"), "cpu"),
    (torch.ones_like(g, device=torch.device("cpu")), "cpu"), (torch.rand_like(g), "cuda"),
    (torch.randn_like(g, device="cpu"), "cpu"), (torch.full_like(g, 2.0, device="cpu"), "cpu"),
    (torch.full_like(g, 2.0), "cuda"), (torch.empty_like(g, device="cpu"), "cpu"),
    (torch.zeros_like(c, device="cuda"), "cuda"), (torch.zeros_like(c), "cpu"),
    (g.new_zeros(3), "cuda"), (g.new_ones(2, device="cpu"), "cpu"), (g.new_tensor([1.0]), "cuda"),
    (g.new_full((2,), 3.0), "cuda"), (g.new_empty(2), "cuda"), (c.new_zeros(2), "cpu"),
]
report(all(t.device.type == want for t, want in placements),
       "*_like and new_* put their results where PyTorch does: " +
       " ".join(t.device.type for t, _ in placements))
u = torch.zeros(1000, device="cuda")
u.uniform_(2.0, 3.0)
v = torch.zeros(1000, device="cuda").normal_(5.0, 0.1)
report(u.device.type == "cuda" and bool((u >= 2).all()) and bool((u < 3).all()) and abs(float(v.mean()) - 5.0) < 0.05,
       "uniform_ and normal_ draw in place on the device")

try:
    torch.ones(3, device="cuda") + torch.ones(3)
    report(False, "adding a CPU and a CUDA tensor raises")
except RuntimeError as e:
    report("same device" in str(e), "adding a CPU and a CUDA tensor raises PyTorch's error")

print("1.." + str(n_run))
if n_failed:
    raise SystemExit(1)
