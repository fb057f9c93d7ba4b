import torch
import torch.nn.functional as F
pred = torch.tensor([[0.5, 1.5], [2.0, -1.0]], requires_grad=True)
target = torch.tensor([[1.0, 1.0], [0.0, 0.0]])
for red in ("mean", "sum", "none"):
    l = F.mse_loss(pred, target, reduction=red)
    print(red, l)
l = F.mse_loss(pred, target)
l.backward()
print(pred.grad)
