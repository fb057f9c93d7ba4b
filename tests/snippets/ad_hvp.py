import torch
w = torch.tensor([1.0, 2.0, -1.0], dtype=torch.float64, requires_grad=True)
f = (w[0] ** 2) * w[1] + torch.sin(w[2]) * w[0] + w[1] ** 3
g, = torch.autograd.grad(f, w, create_graph=True)
v = torch.tensor([1.0, 0.0, -1.0], dtype=torch.float64)
hv, = torch.autograd.grad(g @ v, w)
print(g.detach())
print(hv)
