import torch
x = torch.arange(24.0).reshape(2, 3, 4).requires_grad_()
w = torch.tensor([1.0, -1.0, 0.5, 2.0], requires_grad=True)
r = torch.tensor([[1.0], [0.0], [-1.0]], requires_grad=True)
y = (x * w * r).sum()
y.backward()
print(w.grad)
print(r.grad)
print(x.grad[1])
