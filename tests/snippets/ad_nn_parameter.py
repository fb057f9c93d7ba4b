import torch
import torch.nn as nn
p = nn.Parameter(torch.tensor([1.0, 2.0]))
print(p)
print(p.requires_grad, p.is_leaf, type(p).__name__)
q = nn.Parameter(torch.zeros(2, 2), requires_grad=False)
print(q.requires_grad)
y = (p * 3).sum()
print(y)
y.backward()
print(p.grad)

class Scale(nn.Module):
    def __init__(self):
        super().__init__()
        self.s = nn.Parameter(torch.tensor(2.0))
    def forward(self, x):
        return self.s * x

m = Scale()
print([n for n, _ in m.named_parameters()])
print(m(torch.tensor([1.0, 2.0])))
