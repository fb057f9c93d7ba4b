import torch
import torch.nn as nn
torch.manual_seed(0)
lin = nn.Linear(2, 1)
opt = torch.optim.SGD(lin.parameters(), lr=0.5)
print(len(opt.param_groups), opt.param_groups[0]["lr"], len(opt.param_groups[0]["params"]))
x = torch.tensor([[1.0, 2.0]])
lin(x).sum().backward()
before = lin.weight.detach().clone()
opt.step()
print(before)
print(lin.weight)
print(lin.bias)
for g in opt.param_groups:
    g["lr"] = 0.1
opt.zero_grad()
lin(x).sum().backward()
opt.step()
print(lin.weight)
