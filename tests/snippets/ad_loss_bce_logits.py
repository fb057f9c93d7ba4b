import torch
import torch.nn.functional as F
z = torch.tensor([2.0, -1.0, 0.5, -3.0], requires_grad=True)
y = torch.tensor([1.0, 0.0, 0.0, 1.0])
for red in ("mean", "sum", "none"):
    print(red, F.binary_cross_entropy_with_logits(z, y, reduction=red))
l = F.binary_cross_entropy_with_logits(z, y)
l.backward()
print(z.grad)
print((torch.sigmoid(z.detach()) - y) / 4)
