import torch
import torch.nn as nn
import torch.nn.functional as F
torch.manual_seed(1)
lin = nn.Linear(2, 3)
x = torch.tensor([[1.0, 2.0], [-1.0, 0.5]])
print(lin(x).grad_fn.name())
print(F.linear(x, lin.weight, lin.bias).grad_fn.name())
print(lin(torch.tensor([0.5, -0.5])).grad_fn.name())
