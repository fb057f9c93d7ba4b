import torch
import torch.nn.functional as F
p = torch.tensor([0.9, 0.2, 0.6, 0.01], requires_grad=True)
y = torch.tensor([1.0, 0.0, 1.0, 0.0])
for red in ("mean", "sum", "none"):
    print(red, F.binary_cross_entropy(p, y, reduction=red))
l = F.binary_cross_entropy(p, y)
l.backward()
print(p.grad)
