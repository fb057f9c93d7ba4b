# torch.diag both ways, torch.diag_embed, offsets, and where their gradients go.
import torch

v = torch.tensor([1.0, -2.0, 3.0], requires_grad=True)
D = torch.diag(v)
print(D, D.grad_fn.name())
print(torch.diag(v, 1))
print(torch.diag(v, -2).shape)
M = torch.arange(12.0).reshape(3, 4).requires_grad_()
d = torch.diag(M, 1)
print(d, d.grad_fn.name())
(D * torch.arange(9.0).reshape(3, 3)).sum().backward()
print(v.grad)
(d * torch.tensor([1.0, 10.0, 100.0])).sum().backward()
print(M.grad)
print(torch.diag(torch.tensor([[5, 6], [7, 8]])), M.diag(-1))
B = torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
E = torch.diag_embed(B)
print(E.shape, E.grad_fn.name())
print(E)
print(torch.diag_embed(B, offset=1, dim1=0, dim2=2).shape)
E.sum().backward()
print(B.grad)
try:
    torch.diag(torch.zeros(2, 2, 2))
except RuntimeError as e:
    print("RuntimeError:", e)
