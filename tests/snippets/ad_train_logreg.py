import torch
import torch.nn.functional as F
torch.manual_seed(0)
n = 100
X = torch.cat([torch.randn(n // 2, 2) + 1.5, torch.randn(n // 2, 2) - 1.5])
y = torch.cat([torch.ones(n // 2), torch.zeros(n // 2)])
w = torch.zeros(2, requires_grad=True)
b = torch.zeros(1, requires_grad=True)
opt = torch.optim.SGD([w, b], lr=0.1)
for step in range(200):
    opt.zero_grad()
    logits = X @ w + b
    loss = F.binary_cross_entropy_with_logits(logits, y)
    loss.backward()
    opt.step()
    if step % 25 == 0:
        print(step, f"{loss.item():.6f}")
print(w.detach(), b.detach())
with torch.no_grad():
    print("accuracy", ((X @ w + b > 0).float() == y).float().mean().item())
