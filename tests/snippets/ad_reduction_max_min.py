import torch
x = torch.tensor([[1.0, 5.0, 2.0], [7.0, 3.0, 6.0]], requires_grad=True)
x.max().backward()
print(x.grad)
x.grad = None
v, i = x.max(dim=1)
print(v, i)
v.sum().backward()
print(x.grad)
x.grad = None
vals = x.min(dim=0, keepdim=True).values
print(vals)
(vals * torch.tensor([[1.0, 2.0, 3.0]])).sum().backward()
print(x.grad)
t = torch.tensor([2.0, 2.0, 1.0], requires_grad=True)
t.max().backward()
print(t.grad)
