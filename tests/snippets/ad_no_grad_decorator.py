import torch

@torch.no_grad()
def step(w, g, lr):
    w -= lr * g
    return w * 1

@torch.enable_grad()
def f(w):
    return (w * w).sum()

w = torch.tensor([1.0, -2.0], requires_grad=True)
loss = f(w)
loss.backward()
r = step(w, w.grad, 0.25)
print(w, r.requires_grad)
with torch.no_grad():
    l2 = f(w)
print(l2, l2.requires_grad)
print(torch.is_grad_enabled())
