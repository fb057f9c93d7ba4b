import torch
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = x * 3
try:
    y.backward()
except RuntimeError as e:
    print("RuntimeError:", e)
print(x.grad)
y.sum().backward()
print(x.grad)
(x.unsqueeze(0) * 2).backward()
