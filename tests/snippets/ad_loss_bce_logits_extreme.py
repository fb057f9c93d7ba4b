import torch
import torch.nn.functional as F
z = torch.tensor([100.0, -100.0, 100.0, -100.0], requires_grad=True)
y = torch.tensor([0.0, 1.0, 1.0, 0.0])
l = F.binary_cross_entropy_with_logits(z, y, reduction="none")
print(l)
m = F.binary_cross_entropy_with_logits(z, y)
print(m, torch.isfinite(m).item())
m.backward()
print(z.grad)
naive = -(y * torch.log(torch.sigmoid(z)) + (1 - y) * torch.log(1 - torch.sigmoid(z)))
print(naive)
