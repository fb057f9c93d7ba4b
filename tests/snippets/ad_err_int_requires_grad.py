import torch
try:
    torch.tensor([1, 2, 3], requires_grad=True)
except RuntimeError as e:
    print("RuntimeError:", e)
i = torch.arange(4)
try:
    i.requires_grad_()
except RuntimeError as e:
    print("RuntimeError:", e)
print(i.requires_grad)
b = torch.tensor([True, False])
try:
    b.requires_grad = True
except RuntimeError as e:
    print("RuntimeError:", e)
f = torch.arange(3.0, requires_grad=True)
print((f * 2).long().requires_grad)
torch.zeros(2, dtype=torch.int32, requires_grad=True)
