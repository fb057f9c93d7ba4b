import torch
a = torch.tensor([[1.0], [2.0], [3.0]], requires_grad=True)
b = torch.tensor([[10.0, 20.0, 30.0, 40.0]], requires_grad=True)
c = a + b
print(c.shape)
c.backward(torch.arange(12.0).reshape(3, 4))
print(a.grad, a.grad.shape)
print(b.grad, b.grad.shape)
s = torch.tensor(2.0, requires_grad=True)
v = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
(s * v).sum().backward()
print(s.grad, v.grad)
