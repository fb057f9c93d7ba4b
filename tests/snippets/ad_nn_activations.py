import torch
import torch.nn as nn
x = torch.tensor([-3.0, -0.5, 0.0, 0.5, 3.0], requires_grad=True)
for m in (nn.ReLU(), nn.Sigmoid(), nn.Tanh()):
    y = m(x)
    print(m, y)
    g, = torch.autograd.grad(y.sum(), x)
    print(g)
print(nn.ReLU()(torch.tensor([[-1.0, 2.0]])).grad_fn)
