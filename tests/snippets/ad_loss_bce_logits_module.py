import torch
import torch.nn as nn
crit = nn.BCEWithLogitsLoss()
print(crit)
z = torch.tensor([[0.3, -0.2], [1.5, -2.5]], dtype=torch.float64, requires_grad=True)
y = torch.tensor([[1.0, 0.0], [0.0, 1.0]], dtype=torch.float64)
l = crit(z, y)
print(l)
l.backward()
print(z.grad)
print(nn.BCELoss()(torch.sigmoid(z), y))
