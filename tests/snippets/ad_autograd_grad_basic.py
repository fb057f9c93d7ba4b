import torch
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = (x ** 2).sum()
g = torch.autograd.grad(y, x)
print(type(g).__name__, len(g), g[0])
print(x.grad)
a = torch.tensor(2.0, requires_grad=True)
b = torch.tensor(3.0, requires_grad=True)
z = a * a * b
ga, gb = torch.autograd.grad(z, [a, b])
print(ga, gb, ga.requires_grad)
v = x * 2
gv, = torch.autograd.grad(v, x, grad_outputs=torch.tensor([1.0, 10.0, 100.0]))
print(gv)
