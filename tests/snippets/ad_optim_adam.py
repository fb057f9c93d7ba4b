import torch
w = torch.tensor([1.0, -2.0, 3.0], requires_grad=True)
opt = torch.optim.Adam([w], lr=0.1)
for k in range(5):
    opt.zero_grad()
    loss = (w ** 2).sum()
    loss.backward()
    opt.step()
    print(k, loss.item(), w)
