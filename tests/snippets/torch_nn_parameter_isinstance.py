# nn.Parameter is a class: isinstance finds parameters, type() names them.
import torch
import torch.nn as nn
p = nn.Parameter(torch.tensor([1.0, 2.0]))
print(p, type(p), isinstance(p, torch.Tensor), isinstance(p, nn.Parameter))
q = nn.Parameter(torch.zeros(2), requires_grad=False)
print(q.requires_grad, isinstance(torch.zeros(1), nn.Parameter))
print(nn.Parameter())
lin = nn.Linear(3, 2)
print(sum(p.numel() for p in lin.parameters() if isinstance(p, nn.Parameter)))
