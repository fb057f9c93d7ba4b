import torch
X = torch.arange(24.0).reshape(2, 3, 4).div(10).requires_grad_()
W = torch.arange(8.0).reshape(4, 2).sub(3).requires_grad_()
Y = X @ W
print(Y.shape)
Y.sum().backward()
print(W.grad)
print(X.grad[0])
P = torch.arange(12.0).reshape(2, 2, 3).requires_grad_()
Q = torch.arange(18.0).reshape(2, 3, 3).requires_grad_()
R = torch.bmm(P, Q)
(R * R).sum().backward()
print(P.grad)
print(Q.grad[1])
