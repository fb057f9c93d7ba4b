import torch
w = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
v = w[1:]
print(v.is_leaf, v.grad_fn.name())
try:
    v.mul_(2)
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    w[0] = 5.0
except RuntimeError as e:
    print("RuntimeError:", e)
w.view(3).add_(1)
