import torch
import torch.nn.functional as F
x = torch.tensor([[1.0, 2.0, 3.0], [1.0, -1.0, 0.0]], requires_grad=True)
ls = F.log_softmax(x, dim=1)
print(ls)
t = torch.tensor([2, 0])
l = F.nll_loss(ls, t)
print(l, l.grad_fn.name())
l.backward()
print(x.grad)
print(torch.allclose(l, F.cross_entropy(x, t)))
print(F.nll_loss(ls, t, reduction="none"))
