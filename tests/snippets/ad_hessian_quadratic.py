import torch
A = torch.tensor([[2.0, 1.0, 0.0], [0.0, 3.0, -1.0], [1.0, 0.0, 4.0]], dtype=torch.float64)
b = torch.tensor([1.0, -1.0, 2.0], dtype=torch.float64)
w = torch.tensor([0.5, 0.25, -1.0], dtype=torch.float64, requires_grad=True)
f = 0.5 * w @ A @ w - b @ w
print(f)
g, = torch.autograd.grad(f, w, create_graph=True)
print(g.detach(), g.requires_grad)
print(0.5 * (A + A.T) @ w.detach() - b)
H = torch.stack([torch.autograd.grad(g[i], w, retain_graph=True)[0] for i in range(3)])
print(H)
print(torch.allclose(H, 0.5 * (A + A.T)))
