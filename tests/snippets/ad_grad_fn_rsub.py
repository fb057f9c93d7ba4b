import torch
x = torch.tensor([0.5, 1.5, 2.5], requires_grad=True)
y = 1 - x
print(y, y.grad_fn.name())
z = torch.rsub(x, 2.0)
print(z, z.grad_fn.name())
(y * z).sum().backward()
print(x.grad)
