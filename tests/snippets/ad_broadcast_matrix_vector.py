import torch
A = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
v = torch.tensor([10.0, 100.0, 1000.0], requires_grad=True)
H = A * v
print(H)
H.backward(torch.ones_like(H))
print(A.grad)
print(v.grad)
B = torch.ones(2, 3, dtype=torch.float64, requires_grad=True)
b = torch.tensor([[0.5], [2.0]], dtype=torch.float64, requires_grad=True)
((B - b) ** 2).mean().backward()
print(B.grad, b.grad)
