import torch
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
c = x.clone()
print(c.data_ptr() == x.data_ptr(), c.requires_grad, c.is_leaf, c.grad_fn.name())
print(c)
c2 = c * c
c2.sum().backward()
print(x.grad)
with torch.no_grad():
    c.mul_(100)
print(x, c)
n = torch.tensor([4.0, 5.0])
m = n.clone()
m[0] = -1.0
print(n, m, m.requires_grad, m.grad_fn)
