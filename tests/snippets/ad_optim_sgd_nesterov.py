import torch
w = torch.tensor([2.0, -1.0, 0.5], requires_grad=True)
opt = torch.optim.SGD([w], lr=0.05, momentum=0.9, nesterov=True)
A = torch.tensor([1.0, 5.0, 10.0])
for k in range(6):
    opt.zero_grad()
    loss = 0.5 * (A * w * w).sum()
    loss.backward()
    opt.step()
    print(k, round(loss.item(), 5), w.detach())
