# t.data = ...: a parameter takes new values (and even a new shape) without leaving autograd.
import torch

w = torch.tensor([1.0, 2.0], requires_grad=True)
w.data = torch.tensor([3.0, 4.0, 5.0])
print(w, w.shape, w.requires_grad, w.is_leaf)
(w * w).sum().backward()
print(w.grad)
w.data = w.data - 0.1 * w.grad
print(w)
v = torch.zeros(3)
v.data = torch.arange(3)
print(v, v.dtype)
try:
    w.data = torch.tensor([1, 2])
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    w.data = 5
except TypeError as e:
    print("TypeError:", e)
