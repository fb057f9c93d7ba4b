import torch
import torch.nn as nn
torch.manual_seed(3)
X = torch.randn(80, 3)
true_w = torch.tensor([2.0, -1.0, 0.5])
y = (X @ true_w + 0.3 * torch.randn(80) > 0).float()
model = nn.Sequential(nn.Linear(3, 1), nn.Sigmoid())
crit = nn.BCELoss()
opt = torch.optim.SGD(model.parameters(), lr=0.5, momentum=0.5)
for step in range(150):
    opt.zero_grad()
    p = model(X).squeeze(1)
    loss = crit(p, y)
    loss.backward()
    opt.step()
    if step % 30 == 0:
        print(step, f"{loss.item():.5f}")
print(model[0].weight)
