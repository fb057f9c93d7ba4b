import torch
x = torch.tensor([1.0, -2.0, 3.0], requires_grad=True)
c = torch.tensor([4.0, 5.0, 6.0])
y = x * 2
z = c * 2
print(x.is_leaf, y.is_leaf, z.is_leaf, c.is_leaf)
print(y.requires_grad, z.requires_grad)
w = y.detach()
print(w.is_leaf, w.requires_grad, w.grad_fn)
v = x + c
print(v.is_leaf, v.requires_grad, v.grad_fn.name())
u = c + c
print(u.is_leaf, u.requires_grad, u.grad_fn)
s = (x * c).sum()
s.backward()
print(x.grad, c.grad)
