import torch
import torch.nn as nn
crit = nn.CrossEntropyLoss()
logits = torch.tensor([[0.2, 0.8], [1.2, -0.4], [0.0, 0.0]], requires_grad=True)
y = torch.tensor([1, 0, 1])
l = crit(logits, y)
print(l, l.grad_fn.name())
l.backward()
print(logits.grad)
print(nn.CrossEntropyLoss(reduction="sum")(logits, y))
