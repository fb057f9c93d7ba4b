import torch
import torch.nn as nn
w = torch.tensor([1.0, 2.0], requires_grad=True)
(w * w).sum().backward()
g = w.grad
print(g is w.grad, w.grad is w.grad)
w.grad.zero_()
print(g)
print(w.requires_grad_() is w, w.detach() is w, w.clone() is w)
y = (w * 3).sum()
acc = y.grad_fn.next_functions[0][0].next_functions[0][0]
print(acc.name(), acc.variable is w)
torch.manual_seed(0)
lin = nn.Linear(2, 1)
print(lin.weight is lin.weight, list(lin.parameters())[0] is lin.weight)
opt = torch.optim.SGD(lin.parameters(), lr=0.1)
print(opt.param_groups[0]["params"][1] is lin.bias)
t = torch.zeros(3)
print(t.add_(1) is t, t.mul_(2) is t, (t + 0) is t)
