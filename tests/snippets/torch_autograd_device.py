# requires_grad, backward, .grad, is_leaf, devices (lecture section 4).
import torch

w = torch.tensor([1.0, -2.0, 3.0], requires_grad=True)
print(w, w.requires_grad, w.is_leaf, w.grad)
L = 0.5 * (w * w).sum()
L.backward()
print(L.item(), w.grad)
c = w.clone()
print(c.is_leaf, c.requires_grad)
try:
    w[0] = 0.0
except RuntimeError as e:
    print(e)
y = w * w
try:
    y.backward()
except RuntimeError as e:
    print(e)
w.grad = None
y.backward(torch.tensor([1.0, 1.0, 1.0]))
print(w.grad)
u = torch.ones(2)
print(u.requires_grad_().requires_grad, u.requires_grad)
k = torch.zeros(2, dtype=torch.int64)
try:
    k.requires_grad_()
except RuntimeError as e:
    print(e)
print(torch.zeros(2, requires_grad=True))

print(torch.cuda.is_available(), torch.backends.mps.is_available())
d = torch.device("cpu")
print(d, repr(d), torch.ones(2).to(d).device, torch.ones(1).to("cpu"))
try:
    torch.device(3.5)
except TypeError as e:
    print("TypeError")
