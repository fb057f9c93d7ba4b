import torch
x = torch.tensor([1.0, 2.0, 3.0, 4.0, 5.0], requires_grad=True)
y = x[1] * 10 + x[-1]
y.backward()
print(x.grad)
x.grad = None
x[1:4].sum().backward()
print(x.grad)
x.grad = None
x[::2].pow(2).sum().backward()
print(x.grad)
M = torch.arange(12.0).reshape(3, 4).requires_grad_()
M[1, 2:].sum().backward()
print(M.grad)
M.grad = None
M[:, 1].sum().backward()
print(M.grad)
