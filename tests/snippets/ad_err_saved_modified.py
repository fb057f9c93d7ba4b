import torch
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = x.exp()
print(y._version)
w = (y * 2).sum()
y.add_(1)
print(y._version)
try:
    w.backward()
except RuntimeError as e:
    print("RuntimeError:", e)
print(x.grad)
a = torch.tensor([1.0, 2.0], requires_grad=True)
b = a * 1
c = b.sigmoid()
c.mul_(2)
print(c.grad_fn.name(), c._version)
c.sum().backward()
