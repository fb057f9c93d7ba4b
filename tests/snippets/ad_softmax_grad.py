import torch
import torch.nn.functional as F
x = torch.tensor([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]], requires_grad=True)
s = F.softmax(x, dim=1)
print(s)
print(s.sum(dim=1))
s.backward(torch.tensor([[1.0, 0.0, 0.0], [0.0, 2.0, 0.0]]))
print(x.grad)
y = torch.tensor([1000.0, 1001.0], requires_grad=True)
print(F.softmax(y, dim=0), F.log_softmax(y, dim=0))
