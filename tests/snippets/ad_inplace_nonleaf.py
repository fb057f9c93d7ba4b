import torch
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = x * 2
print(y._version, y.grad_fn.name())
y.add_(1)
print(y._version, y.grad_fn.name())
y.mul_(3)
print(y._version, y.grad_fn.name(), y)
y.sum().backward()
print(x.grad)
a = torch.tensor([1.0, -2.0, 3.0], requires_grad=True)
b = a + 0
b.relu_()
print(b, b.grad_fn.name())
b.sum().backward()
print(a.grad)
