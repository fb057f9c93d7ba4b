import torch
import torch.nn as nn

torch.manual_seed(3)
net = nn.Sequential(nn.Linear(4, 3), nn.Tanh(), nn.Linear(3, 1))
print(net.training, [m.training for m in net.children()])
r = net.eval()
print(r is net, net.training, [m.training for m in net.children()])
net.train()
print(net.training, net[0].training)
x = torch.randn(2, 4)
print(net(x).detach())
try:
    net.train("yes")
except ValueError as e:
    print("ValueError:", e)
