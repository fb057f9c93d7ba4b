import torch
x = torch.tensor([-2.0, -0.5, 0.5, 2.0], requires_grad=True)
y = torch.where(x > 0, x ** 2, -x)
print(y, y.grad_fn.name())
y.sum().backward()
print(x.grad)
x.grad = None
m = (x.abs() < 1).float()
(x * m).sum().backward()
print(x.grad)
x.grad = None
x.clamp(-1, 1).sum().backward()
print(x.grad)
