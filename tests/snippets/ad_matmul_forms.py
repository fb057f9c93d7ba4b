import torch
a = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
b = torch.tensor([4.0, 5.0, 6.0], requires_grad=True)
(a @ b).backward()
print(a.grad, b.grad)
A = torch.arange(6.0).reshape(2, 3).requires_grad_()
v = torch.tensor([1.0, -1.0, 2.0], requires_grad=True)
(A @ v).sum().backward()
print(A.grad, v.grad)
A.grad = None
u = torch.tensor([1.0, 2.0], requires_grad=True)
(u @ A).sum().backward()
print(A.grad, u.grad)
B = torch.arange(12.0).reshape(3, 4).requires_grad_()
A.grad = None
(A @ B).backward(torch.ones(2, 4))
print(A.grad)
print(B.grad)
