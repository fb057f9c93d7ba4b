import torch
import torch.nn as nn
net = nn.Sequential(nn.Linear(2, 2), nn.ReLU())
print(net.training, net[0].training, net[1].training)
r = net.eval()
print(r is net, net.training, net[0].training, net[1].training)
net.train()
print(net.training, net[1].training)
net.train(False)
print(net.training, net[0].training)
