import torch
a = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
b = torch.tensor([4.0, -2.0, 0.5], requires_grad=True)
(a / b).sum().backward()
print(a.grad, b.grad)
a.grad = None
(1 / a).sum().backward()
print(a.grad)
a.grad = None
(a / 4).sum().backward()
print(a.grad)
