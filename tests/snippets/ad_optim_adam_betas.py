import torch
w = torch.tensor([[0.5, -0.5], [1.0, 2.0]], requires_grad=True)
opt = torch.optim.Adam([w], lr=0.01, betas=(0.8, 0.99), eps=1e-6)
for k in range(6):
    opt.zero_grad()
    loss = (w.sum(0) ** 2).sum() + w[1, 1] ** 4
    loss.backward()
    opt.step()
    print(k, loss.item())
print(w)
