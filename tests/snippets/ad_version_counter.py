import torch
t = torch.zeros(3)
print(t._version)
t.add_(1)
t.mul_(2)
print(t._version)
t[0] = 5.0
print(t._version, t)
v = t[1:]
v.fill_(7.0)
print(t._version, v._version, t)
t += 1
print(t._version)
u = t + 1
print(u._version)
t.zero_()
print(t._version)
