import torch
import torch.nn as nn
torch.manual_seed(0)
net = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
for c in net.children():
    print(type(c).__name__, c)
print([name for name, _ in net.named_children()])
print(len(list(net.modules())))
print(list(dict(net.named_parameters()).keys()))
