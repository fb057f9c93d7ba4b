import torch
torch.manual_seed(4)
A = torch.randn(30, 3, dtype=torch.float64)
b = torch.randn(30, dtype=torch.float64)
x = torch.zeros(3, dtype=torch.float64, requires_grad=True)
opt = torch.optim.SGD([x], lr=0.05, momentum=0.8, nesterov=True)
for step in range(200):
    opt.zero_grad()
    loss = ((A @ x - b) ** 2).sum() / 30
    loss.backward()
    opt.step()
    if step % 40 == 0:
        print(step, f"{loss.item():.10f}")
print(x.detach())
