import torch
w = torch.tensor([1.0, -2.0, 0.5], requires_grad=True)
L = 0.5 * (w * w).sum()
g, = torch.autograd.grad(L, w, create_graph=True)
print(g.detach(), g.requires_grad)
rows = []
for i in range(3):
    r, = torch.autograd.grad(g[i], w, retain_graph=True)
    rows.append(r)
H = torch.stack(rows)
print(H)
print(torch.equal(H, torch.eye(3)))
