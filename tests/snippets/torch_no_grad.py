import torch
w = torch.tensor([1.0, 2.0], requires_grad=True)
print(torch.is_grad_enabled())
with torch.no_grad():
    y = w * 2
    print(torch.is_grad_enabled(), y.requires_grad)
    with torch.enable_grad():
        z = w * 3
        print(torch.is_grad_enabled(), z.requires_grad)
    w -= 0.5
print(torch.is_grad_enabled(), w, w.requires_grad, w.is_leaf)

@torch.no_grad()
def step(v):
    return v * 10

r = step(w)
print(r.requires_grad, r, torch.is_grad_enabled())
torch.set_grad_enabled(False)
print((w + 1).requires_grad)
torch.set_grad_enabled(True)
print((w + 1).requires_grad)
with torch.no_grad():
    try:
        raise ValueError("inside")
    except ValueError as e:
        print("caught", e)
print(torch.is_grad_enabled())
d = w.detach()
print(d.requires_grad, w.clone().requires_grad, w.contiguous().is_contiguous())
with torch.set_grad_enabled(False):
    print(torch.is_grad_enabled(), (w * 2).requires_grad)
print(torch.is_grad_enabled())
prev = torch.set_grad_enabled(False)
print(torch.is_grad_enabled())
torch.set_grad_enabled(True)

@torch.enable_grad()
def g(v):
    return v * v

with torch.no_grad():
    print(g(w).requires_grad, (w * w).requires_grad)
try:
    with torch.no_grad():
        raise KeyError("out")
except KeyError as e:
    print("KeyError", e, torch.is_grad_enabled())

class Opt:
    def __init__(self, p):
        self.p = p
    @torch.no_grad()
    def step(self, lr=0.1):
        self.p -= lr * self.p.grad
        return torch.is_grad_enabled()

q = torch.tensor([1.0, -2.0], requires_grad=True)
(q * q).sum().backward()
o = Opt(q)
print(o.step(), o.step(lr=0.5), q, torch.is_grad_enabled())
with torch.no_grad():
    with torch.no_grad():
        pass
    print(torch.is_grad_enabled())
print(torch.is_grad_enabled())
