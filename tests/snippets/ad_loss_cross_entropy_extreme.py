import torch
import torch.nn.functional as F
logits = torch.tensor([[100.0, -100.0, 0.0], [-100.0, 100.0, 50.0]], requires_grad=True)
target = torch.tensor([1, 1])
l = F.cross_entropy(logits, target, reduction="none")
print(l)
F.cross_entropy(logits, target).backward()
print(logits.grad)
print(torch.logsumexp(logits.detach(), dim=1))
