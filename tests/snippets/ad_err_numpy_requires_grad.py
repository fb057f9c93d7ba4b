import torch
x = torch.tensor([1.0, 2.0], requires_grad=True)
print(x.detach().numpy())
try:
    x.numpy()
except RuntimeError as e:
    print("RuntimeError:", e)
y = x * 2
print(y.detach().numpy())
y.numpy()
