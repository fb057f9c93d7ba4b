import torch
import torch.nn as nn
torch.manual_seed(123)
a = nn.Linear(5, 3)
b = nn.Linear(3, 1)
print(a.weight)
print(a.bias)
print(b.weight, b.bias)
torch.manual_seed(7)
print(nn.Linear(1, 4).weight.detach().flatten())
print(torch.rand(2))
