# torch.optim.SGD on least squares: plain, momentum, dampening, nesterov, weight_decay (50 steps each).
import torch
import torch.optim as optim

torch.manual_seed(0)
A = torch.randn(20, 4)
w_true = torch.tensor([1.5, -2.0, 0.5, 3.0])
b = A @ w_true + 0.1 * torch.randn(20)

configs = [
    dict(lr=0.01),
    dict(lr=0.01, momentum=0.9),
    dict(lr=0.01, momentum=0.9, dampening=0.5),
    dict(lr=0.01, momentum=0.9, nesterov=True),
    dict(lr=0.01, momentum=0.5, weight_decay=0.1),
]
for cfg in configs:
    w = torch.zeros(4, requires_grad=True)
    opt = optim.SGD([w], **cfg)
    print(cfg)
    for step in range(50):
        opt.zero_grad()
        loss = ((A @ w - b) ** 2).mean()
        loss.backward()
        opt.step()
        if step % 10 == 0 or step == 49:
            print(step, loss.item())
    print(w.detach())
opt = optim.SGD([{"params": [torch.zeros(2, requires_grad=True)]}, {"params": [torch.ones(1, requires_grad=True)], "lr": 0.5}], lr=0.1, momentum=0.9)
print(len(opt.param_groups), [g["lr"] for g in opt.param_groups], opt.param_groups[1]["momentum"])
print(opt)
for bad in (dict(lr=-1.0), dict(lr=0.1, momentum=-0.5), dict(lr=0.1, nesterov=True)):
    try:
        optim.SGD([torch.zeros(1, requires_grad=True)], **bad)
    except ValueError as e:
        print("ValueError:", e)
try:
    optim.SGD([], lr=0.1)
except ValueError as e:
    print("ValueError:", e)
