import torch
import torch.nn.functional as F
z = torch.tensor([100.0, -100.0, 0.0])
p = torch.sigmoid(z)
print(p)
y = torch.tensor([0.0, 1.0, 1.0])
print(F.binary_cross_entropy(p, y, reduction="none"))
print(F.binary_cross_entropy(p, y))
print(F.binary_cross_entropy(torch.tensor([0.0, 1.0]), torch.tensor([1.0, 0.0]), reduction="none"))
