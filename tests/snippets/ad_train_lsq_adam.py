import torch
torch.manual_seed(0)
A = torch.randn(50, 4)
x_true = torch.tensor([1.0, -2.0, 3.0, 0.5])
b = A @ x_true + 0.01 * torch.randn(50)
x = torch.zeros(4, requires_grad=True)
opt = torch.optim.Adam([x], lr=0.05)
for step in range(300):
    opt.zero_grad()
    loss = 0.5 * ((A @ x - b) ** 2).mean()
    loss.backward()
    opt.step()
    if step % 50 == 0 or step == 299:
        print(step, f"{loss.item():.6f}")
print(x.detach())
