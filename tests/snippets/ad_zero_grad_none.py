import torch
w = torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
(w * w).sum().backward()
g = w.grad
print(g, g.requires_grad, g.is_leaf)
w.grad.zero_()
print(w.grad, g)
(w.sum() * 3).backward()
print(w.grad)
w.grad = None
print(w.grad)
w.sum().backward()
print(w.grad)
w.grad = torch.full((2, 2), 0.5)
w.mean().backward()
print(w.grad)
