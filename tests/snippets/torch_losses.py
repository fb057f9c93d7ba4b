# torch.nn.functional losses (each reduction, logits of +-100) and softmax / log_softmax, with gradients.
import torch
import torch.nn as nn
import torch.nn.functional as F

x = torch.tensor([0.5, -1.25, 3.0, 2.0])
y = torch.tensor([1.0, 0.0, 2.5, -2.0])
for red in ("mean", "sum", "none"):
    print(red, F.mse_loss(x, y, reduction=red), nn.MSELoss(reduction=red)(x, y))
p = torch.tensor([0.0, 1.0, 0.25, 0.9, 1e-30])
t = torch.tensor([1.0, 0.0, 0.0, 1.0, 1.0])
for red in ("mean", "sum", "none"):
    print(red, F.binary_cross_entropy(p, t, reduction=red))
logits = torch.tensor([100.0, -100.0, 0.0, 3.5])
lt = torch.tensor([0.0, 1.0, 1.0, 1.0])
for red in ("mean", "sum", "none"):
    print(red, F.binary_cross_entropy_with_logits(logits, lt, reduction=red), nn.BCEWithLogitsLoss(reduction=red)(logits, lt))
print(F.binary_cross_entropy(torch.sigmoid(logits[2:]), lt[2:]))
z = torch.tensor([[1.0, 2.0, 3.0], [0.0, -100.0, 100.0], [0.5, 0.5, 0.5], [-3.0, 4.0, 1.0]])
c = torch.tensor([2, 1, 0, 1])
for red in ("mean", "sum", "none"):
    print(red, F.cross_entropy(z, c, reduction=red), nn.CrossEntropyLoss(reduction=red)(z, c))
print(F.nll_loss(F.log_softmax(z, dim=1), c))
print(F.softmax(z, dim=1))
print(F.softmax(z, dim=0))
print(F.log_softmax(z, dim=1))
print(F.log_softmax(z.t(), dim=0))
print(nn.Softmax(dim=1)(z[:, ::2]))
big = torch.tensor([1000.0, 1001.0, 999.0])
print(F.softmax(big, dim=0), F.log_softmax(big, dim=0))
zz = z.clone().requires_grad_()
loss = F.cross_entropy(zz, c)
loss.backward()
print(round(loss.item(), 4), zz.grad)
w = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
m = F.mse_loss(w * 2, torch.tensor([1.0, 1.0, 1.0]))
m.backward()
print(round(m.item(), 4), w.grad)
try:
    F.binary_cross_entropy(p, torch.ones(3))
except ValueError as e:
    print("ValueError:", e)
try:
    F.cross_entropy(z, torch.tensor([0, 1]))
except ValueError as e:
    print("ValueError:", e)
try:
    F.mse_loss(x, y, reduction="avg")
except ValueError as e:
    print("ValueError:", e)
q = torch.tensor([[1.0, 2.0, 3.0], [0.5, -1.0, 2.0], [0.0, 0.0, 1.0]])
print(F.cross_entropy(q, torch.tensor([-100, 2, 0])), F.cross_entropy(q, torch.tensor([-100, 2, 0]), reduction="none"))
print(F.cross_entropy(q, torch.tensor([1, 1, 0]), ignore_index=1), F.nll_loss(F.log_softmax(q, 1), torch.tensor([2, 0, 1]), weight=torch.tensor([1.0, 2.0, 3.0])))
print(F.nll_loss(q, torch.tensor([2, 5, 0]), ignore_index=5, weight=torch.tensor([1.0, 2.0, 3.0])), F.cross_entropy(torch.tensor([1.0, 2.0, 0.5]), torch.tensor(1)))
for f in (lambda: F.cross_entropy(z, torch.tensor([0, 3, 1, 1])), lambda: F.cross_entropy(z, torch.tensor([-2, 1, 0, 0])),
          lambda: F.binary_cross_entropy(torch.tensor([1.5]), torch.tensor([1.0])),
          lambda: F.nll_loss(z, c, reduction="bad"),
          lambda: F.binary_cross_entropy(torch.tensor([0.5]), torch.tensor([1.0]), reduction="x")):
    try:
        print(f())
    except Exception as e:
        print(type(e).__name__, e)
print(F.softmax(z, -1)[0], F.log_softmax(z, dim=0, dtype=torch.float64)[:, 0], nn.LogSoftmax(dim=1)(q[1:]))
