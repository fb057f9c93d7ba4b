import torch
x = torch.tensor([[-1.5, -0.5], [0.5, 1.5]], requires_grad=True)
y = torch.exp(x) * torch.sin(x) + torch.tanh(x) / (1 + x * x)
y.sum().backward()
print(y)
print(x.grad)
z = torch.tensor([-2.0, 0.0, 3.0], requires_grad=True)
torch.abs(z).sum().backward()
print(z.grad)
