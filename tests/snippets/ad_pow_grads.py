import torch
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
e = torch.tensor([2.0, 0.5, -1.0], requires_grad=True)
(x ** e).sum().backward()
print(x.grad, e.grad)
x.grad = None
(2 ** x).sum().backward()
print(x.grad)
x.grad = None
(x ** 3).sum().backward()
print(x.grad)
x.grad = None
x.pow(0).sum().backward()
print(x.grad)
z = torch.tensor([0.0, 4.0], requires_grad=True)
z.sqrt().sum().backward()
print(z.grad)
