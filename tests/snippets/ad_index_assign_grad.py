import torch
x = torch.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
y = x.clone()
y[1] = 0.0
print(y, y.grad_fn.name())
(y * y).sum().backward()
print(x.grad)
a = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
b = torch.tensor([5.0, 6.0], requires_grad=True)
z = a * 1
z[1:] = b * 2
print(z, z.grad_fn.name())
(z * torch.tensor([1.0, 2.0, 3.0])).sum().backward()
print(a.grad, b.grad)
c = torch.zeros(3, requires_grad=True)
w = c + 0
w[w == 0] = 5.0
w.sum().backward()
print(w, c.grad)
