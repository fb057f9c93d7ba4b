import torch
import torch.nn as nn
torch.manual_seed(1)
lin = nn.Linear(2, 3)
x = torch.tensor([[1.0, 2.0], [-1.0, 0.5]])
y = lin(x)
print(y)
print(torch.allclose(y, x @ lin.weight.T + lin.bias))
y.sum().backward()
print(lin.weight.grad)
print(lin.bias.grad)
v = lin(torch.tensor([0.5, -0.5]))
print(v.shape)
