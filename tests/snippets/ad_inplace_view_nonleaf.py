import torch
x = torch.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
y = x * 1
v = y[1:3]
v.mul_(10)
print(y, y.grad_fn.name(), y._version, v._version)
(y * y).sum().backward()
print(x.grad)
a = torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
b = a.clone()
b[0].zero_()
print(b)
b.sum().backward()
print(a.grad)
