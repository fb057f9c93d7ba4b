# A first torch.nn: Linear's initialisation draws, Sequential, named_parameters, gradients, repr.
import torch
import torch.nn as nn

torch.manual_seed(1)
lin = nn.Linear(3, 2)
print(lin.weight.detach(), lin.bias.detach())
print(lin)
model = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 1), nn.Sigmoid())
print(model)
X = torch.randn(5, 4)
out = model(X)
print(out.shape, [n for n, _ in model.named_parameters()])
out.sum().backward()
for name, p in model.named_parameters():
    print(name, p.shape, p.grad.shape, p.requires_grad)
print(len(list(model.parameters())), len(model), type(model[1]).__name__)
model.zero_grad()
print([p.grad for p in model.parameters()])
nb = nn.Linear(2, 2, bias=False)
print(nb.bias, nb(torch.ones(2)).shape)
model.zero_grad(set_to_none=True)
print([p.grad for p in model.parameters()])
