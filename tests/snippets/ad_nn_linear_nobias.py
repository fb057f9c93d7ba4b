import torch
import torch.nn as nn
torch.manual_seed(3)
lin = nn.Linear(4, 3, bias=False)
print(lin.bias)
print(lin.weight)
print(lin)
print(len(list(lin.parameters())))
x = torch.ones(2, 4)
print(lin(x))
