import torch
x = torch.arange(1.0, 7.0).reshape(2, 3).requires_grad_()
s0 = x.sum(0)
s1 = x.sum(dim=1, keepdim=True)
print(s0, s1)
(s0 * torch.tensor([1.0, 2.0, 3.0])).sum().backward(retain_graph=True)
print(x.grad)
x.grad = None
(s1 * torch.tensor([[1.0], [-1.0]])).sum().backward()
print(x.grad)
x.grad = None
m = x.mean(1)
m.backward(torch.tensor([3.0, 6.0]))
print(m, x.grad)
x.grad = None
x.mean(dim=(0, 1)).backward()
print(x.grad)
