import torch
x = torch.tensor([[1.0, 2.0, 3.0], [1000.0, 1000.0, -5.0]], requires_grad=True)
l = torch.logsumexp(x, dim=1)
print(l, l.grad_fn.name())
l.sum().backward()
print(x.grad)
z = torch.tensor([0.5, -0.5], dtype=torch.float64, requires_grad=True)
torch.logsumexp(z, dim=0).backward()
print(z.grad)
