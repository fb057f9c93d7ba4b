import torch
x = torch.tensor([1.0, 2.0])
s = x.sum()
print(s.requires_grad, s.grad_fn)
try:
    s.backward()
except RuntimeError as e:
    print("RuntimeError:", e)
w = torch.tensor(1.0, requires_grad=True)
d = (w * 2).detach()
d.backward()
