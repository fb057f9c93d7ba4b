import torch
w = torch.tensor([1.0, -1.0], dtype=torch.float64, requires_grad=True)
opt = torch.optim.Adam([w], lr=0.05, weight_decay=0.1)
for k in range(5):
    opt.zero_grad()
    loss = ((w - torch.tensor([3.0, 3.0], dtype=torch.float64)) ** 2).sum()
    loss.backward()
    opt.step()
    print(k, loss.item(), w.tolist())
