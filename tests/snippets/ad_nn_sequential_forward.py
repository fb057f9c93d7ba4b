import torch
import torch.nn as nn
torch.manual_seed(42)
net = nn.Sequential(nn.Linear(3, 5), nn.Tanh(), nn.Linear(5, 2))
x = torch.tensor([[0.1, 0.2, 0.3], [1.0, -1.0, 0.5], [0.0, 0.0, 0.0], [2.0, 1.0, -2.0]])
out = net(x)
print(out)
h = net[1](net[0](x))
print(torch.equal(net[2](h), out))
out.pow(2).mean().backward()
print(net[0].weight.grad)
print(net[2].bias.grad)
