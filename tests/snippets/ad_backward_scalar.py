import torch
w = torch.tensor([1.0, -2.0, 3.0], requires_grad=True)
L = 0.5 * (w * w).sum()
print(L)
L.backward()
print(w.grad)
print(torch.equal(w.grad, w))
x = torch.tensor(3.0, requires_grad=True)
y = x ** 3 - 2 * x
y.backward()
print(y, x.grad)
