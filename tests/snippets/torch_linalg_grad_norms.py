# Gradients of linalg.solve and of the matrix norms (through the singular values for 2, -2, 'nuc').
import torch

torch.manual_seed(0)
A = torch.randn(3, 3, dtype=torch.float64, requires_grad=True)
B = torch.randn(3, 2, dtype=torch.float64, requires_grad=True)
X = torch.linalg.solve(A, B)
print(X.grad_fn.name())
(X * torch.arange(6.0, dtype=torch.float64).view(3, 2)).sum().backward()
print(A.grad)
print(B.grad)
A.grad = None
b = torch.randn(3, dtype=torch.float64, requires_grad=True)
torch.linalg.solve(A, b).sum().backward()
print(A.grad, b.grad, sep='\n')
Ab = torch.randn(2, 3, 3, dtype=torch.float64, requires_grad=True)
torch.linalg.solve(Ab, B).pow(2).sum().backward()
print(Ab.grad.sum(), B.grad)
A32 = torch.tensor([[2.0, 1.0], [1.0, 3.0]], requires_grad=True)
x = torch.linalg.solve(A32, torch.tensor([1.0, 2.0]))
x.sum().backward()
print(x, A32.grad)

M = torch.tensor([[3.0, 1.0, -2.0], [0.5, -4.0, 1.0]], dtype=torch.float64, requires_grad=True)
for o in ['fro', 'nuc', 2, -2, 1, -1, float('inf'), -float('inf')]:
    M.grad = None
    r = torch.linalg.norm(M, o)
    r.backward()
    print(o, r.grad_fn.name(), r.item(), M.grad)
    M.grad = None
    r = torch.linalg.matrix_norm(M, o, keepdim=True)
    (r * 3).sum().backward()
    print(r.shape, round(M.grad.sum().item(), 10))
Mb = torch.randn(2, 3, 4, dtype=torch.float64, requires_grad=True)
for o in ['nuc', 2, -1]:
    Mb.grad = None
    r = torch.linalg.matrix_norm(Mb, o, dim=(0, 2))
    r.sum().backward()
    print(o, r, Mb.grad[1])
