import torch
x = torch.tensor(2.0, requires_grad=True)
y = x ** 3
g, = torch.autograd.grad(y, x, create_graph=True)
print(g.detach(), g.requires_grad)
h, = torch.autograd.grad(g, x, create_graph=True)
print(h.detach(), h.requires_grad)
t, = torch.autograd.grad(h, x)
print(t)
s = torch.tensor(0.5, requires_grad=True)
f = torch.sin(s) * s
d1, = torch.autograd.grad(f, s, create_graph=True)
d2, = torch.autograd.grad(d1, s)
print(d1.item(), d2.item())
print((torch.cos(s) * s + torch.sin(s)).item(), (2 * torch.cos(s) - s * torch.sin(s)).item())
