import torch
import torch.nn as nn
torch.manual_seed(1)
X = torch.linspace(-2, 2, 40).unsqueeze(1)
y = torch.sin(2 * X)
model = nn.Sequential(nn.Linear(1, 10), nn.Tanh(), nn.Linear(10, 1))
opt = torch.optim.Adam(model.parameters(), lr=0.01)
for step in range(300):
    opt.zero_grad()
    loss = nn.functional.mse_loss(model(X), y)
    loss.backward()
    opt.step()
    if step % 50 == 0 or step == 299:
        print(step, f"{loss.item():.5f}")
