# Logistic regression: nn.Linear + BCEWithLogitsLoss + SGD(momentum), loss every 20 steps.
import torch
import torch.nn as nn
import torch.optim as optim

torch.manual_seed(2)
X = torch.randn(40, 2)
y = (X[:, 0] - 2 * X[:, 1] > 0.3).float().unsqueeze(1)
model = nn.Linear(2, 1)
loss_fn = nn.BCEWithLogitsLoss()
opt = optim.SGD(model.parameters(), lr=0.5, momentum=0.9)
for step in range(100):
    opt.zero_grad()
    loss = loss_fn(model(X), y)
    loss.backward()
    opt.step()
    if step % 20 == 0 or step == 99:
        print(step, f"{loss.item():.5f}")
with torch.no_grad():
    acc = ((model(X) > 0).float() == y).float().mean()
print(f"{acc.item():.3f}", model.weight.detach(), model.bias.detach())
