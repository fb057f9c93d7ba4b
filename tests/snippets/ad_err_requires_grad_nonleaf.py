import torch
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = x * 2
y.requires_grad_(True)
print(y.requires_grad)
try:
    y.requires_grad_(False)
except RuntimeError as e:
    print("RuntimeError:", e)
d = y.detach()
d.requires_grad_(True)
print(d.requires_grad, d.is_leaf)
y.requires_grad = False
