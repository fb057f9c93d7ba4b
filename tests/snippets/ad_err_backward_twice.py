import torch
x = torch.tensor([2.0, -1.0], requires_grad=True)
y = (x * x).sum()
y.backward()
print(x.grad)
try:
    y.backward()
except RuntimeError as e:
    print("RuntimeError:", e)
z = x.exp().sum()
z.backward()
z.backward()
