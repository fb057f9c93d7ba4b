import torch
import torch.nn as nn
torch.manual_seed(0)
lin = nn.Linear(3, 2)
print(lin.weight)
print(lin.bias)
print(lin.weight.shape, lin.bias.shape, lin.weight.requires_grad, lin.weight.is_leaf)
print(lin.in_features, lin.out_features)
torch.manual_seed(0)
lin2 = nn.Linear(3, 2)
print(torch.equal(lin.weight, lin2.weight), torch.equal(lin.bias, lin2.bias))
