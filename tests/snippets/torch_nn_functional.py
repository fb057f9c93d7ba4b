# torch.nn.functional.binary_cross_entropy_with_logits (bit-exact loss, its gradient) and randint's forms.
import torch
import torch.nn.functional as F

torch.manual_seed(3)
print(torch.randint(5, (4,)), torch.randint(2, 9, (2, 2)), torch.randint(low=1, high=3, size=(3,)))
for k in range(4):
    x = torch.randn(7) * (k * 10 + 1)
    y = torch.randint(0, 2, (7,)).float()
    print(F.binary_cross_entropy_with_logits(x, y).item(),
          F.binary_cross_entropy_with_logits(x, y, reduction="sum").item())
x = torch.tensor([-100.0, 0.0, 3.0, 50.0], requires_grad=True)
y = torch.tensor([1.0, 0.0, 1.0, 0.0])
loss = F.binary_cross_entropy_with_logits(x, y)
loss.backward()
print(loss.item(), x.grad)
print(F.binary_cross_entropy_with_logits(x.detach(), y, reduction="none"))
try:
    F.binary_cross_entropy_with_logits(x, torch.ones(3))
except ValueError as e:
    print(e)
print(F.relu(torch.tensor([-1.0, 2.0])), F.sigmoid(torch.tensor([0.0])))
