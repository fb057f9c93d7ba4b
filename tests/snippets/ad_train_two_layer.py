import torch
import torch.nn as nn
torch.manual_seed(0)
# toy data set: two interleaved clusters, labels from the sign of x0 * x1 (XOR-like)
X = torch.randn(64, 2)
y = ((X[:, 0] * X[:, 1]) > 0).float().unsqueeze(1)
model = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 1))
loss_fn = nn.BCEWithLogitsLoss()
opt = torch.optim.SGD(model.parameters(), lr=0.5)
for step in range(301):
    opt.zero_grad()
    loss = loss_fn(model(X), y)
    loss.backward()
    opt.step()
    if step % 50 == 0:
        print(step, f"{loss.item():.4f}")
with torch.no_grad():
    acc = ((model(X) > 0).float() == y).float().mean()
print("accuracy", f"{acc.item():.4f}")
