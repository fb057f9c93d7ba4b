import torch
import torch.nn as nn
crit = nn.MSELoss()
print(crit)
p = torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64, requires_grad=True)
t = torch.tensor([1.5, 2.5, 2.0], dtype=torch.float64)
l = crit(p, t)
print(l)
l.backward()
print(p.grad)
print(nn.MSELoss(reduction="sum")(p, t))
