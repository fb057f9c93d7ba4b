import torch
x = torch.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
idx = torch.tensor([0, 2, 0, 3, 0])
y = x[idx]
print(y, y.grad_fn.name())
y.backward(torch.tensor([1.0, 10.0, 100.0, 1000.0, 10000.0]))
print(x.grad)
x.grad = None
m = x > 2
print(x[m])
x[m].sum().backward()
print(x.grad)
M = torch.arange(9.0).reshape(3, 3).requires_grad_()
M[[0, 2, 2], [1, 0, 0]].sum().backward()
print(M.grad)
