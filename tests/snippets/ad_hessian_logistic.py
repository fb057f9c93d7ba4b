import torch
X = torch.tensor([[1.0, 2.0], [-1.0, 0.5], [0.5, -1.5], [2.0, 1.0]], dtype=torch.float64)
y = torch.tensor([1.0, 0.0, 0.0, 1.0], dtype=torch.float64)
w = torch.tensor([0.1, -0.2], dtype=torch.float64, requires_grad=True)
z = X @ w
p = torch.sigmoid(z)
loss = -(y * torch.log(p) + (1 - y) * torch.log(1 - p)).mean()
print(loss)
g, = torch.autograd.grad(loss, w, create_graph=True)
print(g.detach(), g.requires_grad)
H = torch.stack([torch.autograd.grad(g[i], w, retain_graph=True)[0] for i in range(2)])
print(H)
pd = p.detach()
Hf = (X.T * (pd * (1 - pd))) @ X / 4
print(Hf)
print(torch.allclose(H, Hf))
