import torch
A = torch.arange(6.0).reshape(1, 2, 3).requires_grad_()
B = torch.arange(24.0).reshape(4, 3, 2).requires_grad_()
C = A @ B
print(C.shape)
C.sum().backward()
print(A.grad)
print(B.grad[3])
x = torch.tensor([1.0, 0.0, -1.0], requires_grad=True)
M = torch.arange(18.0).reshape(2, 3, 3).requires_grad_()
r = M @ x
print(r)
r.sum().backward()
print(x.grad, M.grad[0])
