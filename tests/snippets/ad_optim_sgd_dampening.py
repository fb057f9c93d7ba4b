import torch
w = torch.tensor([0.5, 1.5], dtype=torch.float64, requires_grad=True)
opt = torch.optim.SGD([w], lr=0.05, momentum=0.8, dampening=0.5)
for k in range(5):
    opt.zero_grad()
    loss = (w ** 4).sum()
    loss.backward()
    opt.step()
    print(k, loss.item(), w.tolist())
