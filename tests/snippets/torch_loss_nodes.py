# Losses as PyTorch's fused ops: grad_fn names, values and gradients for each reduction.
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
x = torch.randn(4, 3, requires_grad=True)
t = torch.randn(4, 3)
p = torch.rand(4, 3)
for red in ('mean', 'sum', 'none'):
    for name, f in (('mse', lambda: F.mse_loss(x, t, reduction=red)),
                    ('bce', lambda: F.binary_cross_entropy(torch.sigmoid(x), p, reduction=red)),
                    ('bce_logits', lambda: F.binary_cross_entropy_with_logits(x, p, reduction=red)),
                    ('ce', lambda: F.cross_entropy(x, torch.tensor([0, 2, 1, 2]), reduction=red)),
                    ('nll', lambda: F.nll_loss(F.log_softmax(x, 1), torch.tensor([1, 1, 0, 2]), reduction=red))):
        x.grad = None
        loss = f()
        print(red, name, loss.grad_fn.name(), loss.shape)
        loss.sum().backward()
        print(loss.detach())
        print(x.grad)

# weights, pos_weight, ignore_index
w = torch.tensor([0.5, 2.0, 1.0])
print(F.binary_cross_entropy_with_logits(x, p, weight=w, pos_weight=torch.tensor([1.0, 3.0, 0.5])))
print(F.binary_cross_entropy(torch.sigmoid(x), p, weight=w, reduction='sum'))
print(F.cross_entropy(x, torch.tensor([0, 2, -100, 1]), weight=w))
print(F.nll_loss(x, torch.tensor([0, 2, 1, 1]), weight=w, ignore_index=2, reduction='none'))
print(nn.CrossEntropyLoss(weight=w, ignore_index=0)(x, torch.tensor([0, 2, 1, 1])))
print(nn.NLLLoss()(F.log_softmax(x, dim=1), torch.tensor([0, 2, 1, 1])))
print(nn.BCEWithLogitsLoss(pos_weight=torch.tensor([2.0]))(x, p))
print(nn.BCELoss(reduction='none')(torch.sigmoid(x), p).grad_fn.name())

# target gradients
tt = torch.rand(4, 3, requires_grad=True)
F.binary_cross_entropy_with_logits(x, tt).backward()
print(tt.grad)
tt.grad = None
F.binary_cross_entropy(torch.sigmoid(x), tt, reduction='sum').backward()
print(tt.grad)
tt.grad = None
F.mse_loss(x, tt).backward()
print(tt.grad)

# extreme logits: the stable form and the clamped log
z = torch.tensor([100.0, -100.0, 0.0, 30.0])
y = torch.tensor([0.0, 1.0, 1.0, 1.0])
print(F.binary_cross_entropy_with_logits(z, y, reduction='none'))
print(F.binary_cross_entropy(torch.sigmoid(z[[0, 2, 3]]), y[[0, 2, 3]], reduction='none'))
print(F.binary_cross_entropy(torch.tensor([0.0, 1.0]), torch.tensor([1.0, 0.0])))

# softmax and log_softmax along each dim, float64, dtype=
s = torch.randn(2, 3, 4, dtype=torch.float64, requires_grad=True)
for d in (0, 1, 2, -1):
    out = F.softmax(s, dim=d)
    print(out.grad_fn.name(), out.sum(d)[0])
    lo = F.log_softmax(s, dim=d)
    (lo * torch.arange(24.0, dtype=torch.float64).view(2, 3, 4)).sum().backward()
print(s.grad)
print(torch.softmax(torch.tensor([1, 2, 3]), 0, dtype=torch.float32))
print(x.softmax(1).grad_fn.name(), x.log_softmax(dim=0).grad_fn.name())
print(F.softmax(torch.tensor([1000.0, 0.0, -1000.0]), 0), F.log_softmax(torch.tensor([1000.0, 0.0, -1000.0]), 0))

for f in (lambda: F.nll_loss(x, torch.tensor([0, 3, 1, 1])),
          lambda: F.nll_loss(x, torch.tensor([0, 1])),
          lambda: F.nll_loss(x, torch.tensor([0.0, 1, 1, 1])),
          lambda: F.nll_loss(x, torch.tensor([0, 1, 1, 1]), weight=torch.ones(2)),
          lambda: F.cross_entropy(x, torch.tensor([0, 1, 1, 1]), reduction='avg'),
          lambda: F.binary_cross_entropy(torch.full((2,), 1.5), torch.ones(2)),
          lambda: F.binary_cross_entropy(torch.full((2,), 0.5), torch.ones(3)),
          lambda: F.binary_cross_entropy_with_logits(torch.zeros(2), torch.ones(3)),
          lambda: F.softmax(torch.tensor([1, 2]), 0),
          lambda: F.log_softmax(x, 2),
          lambda: F.mse_loss(torch.ones(2, 3), torch.ones(4))):
    try:
        f()
    except Exception as e:
        print(type(e).__name__, e)

# a spatial batch (N, C, d): the class dim moved last
x3 = torch.arange(24.0).view(2, 3, 4) / 10
t3 = torch.tensor([[0, 1, 2, 1], [2, 2, 0, 1]])
print(F.nll_loss(x3, t3), F.nll_loss(x3, t3, reduction='none'))
print(F.cross_entropy(x3, t3))
try:
    F.nll_loss(x3, torch.zeros(2, 3).long())
except RuntimeError as e:
    print('RuntimeError:', e)
