import torch
v = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
e = v.expand(4, 3)
print(e.grad_fn.name(), e.stride())
(e * torch.arange(12.0).reshape(4, 3)).sum().backward()
print(v.grad)
u = torch.tensor([[5.0], [7.0]], requires_grad=True)
f = u.expand(-1, 3) ** 2
f.sum().backward()
print(u.grad)
