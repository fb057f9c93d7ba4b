import torch
x = torch.arange(6.0).requires_grad_()
m = x.view(2, 3)
w = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
(m * w).sum().backward()
print(x.grad)
x.grad = None
(x.reshape(3, 2).t() * w).sum().backward()
print(x.grad)
x.grad = None
p = x.view(1, 2, 3).permute(2, 0, 1)
print(p.shape)
(p * torch.arange(6.0).view(3, 1, 2)).sum().backward()
print(x.grad)
x.grad = None
x.view(2, 3).unsqueeze(1).squeeze().flatten()[::2].sum().backward()
print(x.grad)
