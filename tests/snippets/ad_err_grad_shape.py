import torch
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = x * 2
try:
    y.backward(torch.ones(2))
except RuntimeError as e:
    print("RuntimeError:", e)
print(x.grad)
y.backward(torch.ones(3))
print(x.grad)
(x * 2).backward(torch.ones(3, 1))
