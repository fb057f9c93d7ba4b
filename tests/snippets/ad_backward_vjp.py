import torch
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = x ** 2
v = torch.tensor([1.0, 0.1, 0.01])
y.backward(v)
print(x.grad)
a = torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
b = a * a + a
b.backward(torch.ones(2, 2))
print(a.grad)
c = torch.tensor([0.5, -1.0], requires_grad=True)
M = torch.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
out = M @ c
out.backward(gradient=torch.tensor([1.0, -1.0, 2.0]))
print(out, c.grad)
print(M.t() @ torch.tensor([1.0, -1.0, 2.0]))
