import torch
import torch.nn.functional as F
logits = torch.tensor([[2.0, 1.0, 0.1], [0.5, 2.5, 0.3], [-1.0, 0.0, 3.0], [1.0, 1.0, 1.0]], requires_grad=True)
target = torch.tensor([0, 1, 1, 2])
for red in ("mean", "sum", "none"):
    print(red, F.cross_entropy(logits, target, reduction=red))
l = F.cross_entropy(logits, target)
l.backward()
print(logits.grad)
print((F.softmax(logits.detach(), dim=1) - torch.eye(3)[target]) / 4)
