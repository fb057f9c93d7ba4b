import torch
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = x.sigmoid()
s = y.sum()
d = y.detach()
d[0] = 100.0
print(y._version, d._version)
print(y)
s.backward()
