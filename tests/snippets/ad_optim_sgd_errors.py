import torch
w = torch.tensor([1.0], requires_grad=True)
try:
    torch.optim.SGD([w], lr=0.1, nesterov=True)
except ValueError as e:
    print("ValueError:", e)
try:
    torch.optim.SGD([w], lr=-0.1)
except ValueError as e:
    print("ValueError:", e)
try:
    torch.optim.SGD([w], lr=0.1, momentum=-1)
except ValueError as e:
    print("ValueError:", e)
try:
    torch.optim.Adam([w], lr=0.1, betas=(1.0, 0.999))
except ValueError as e:
    print("ValueError:", e)
opt = torch.optim.SGD([w], lr=0.1)
opt.step()
print(w)
