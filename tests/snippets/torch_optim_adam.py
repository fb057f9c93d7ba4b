# torch.optim.Adam on least squares (betas, eps, weight decay, amsgrad, a broadcast bias,
# zero_grad(set_to_none=True)): float32 losses bit for bit.
import torch
import torch.optim as optim

torch.manual_seed(1)
A = torch.randn(30, 5)
b = A @ torch.tensor([0.5, -1.0, 2.0, 0.0, 1.0]) + 0.05 * torch.randn(30)

for cfg in (dict(lr=0.1), dict(lr=0.05, betas=(0.8, 0.99), eps=1e-6), dict(lr=0.1, weight_decay=0.01),
            dict(lr=0.05, amsgrad=True)):
    w = torch.zeros(5, requires_grad=True)
    c = torch.zeros(1, requires_grad=True)
    opt = optim.Adam([w, c], **cfg)
    print(cfg)
    for step in range(50):
        opt.zero_grad(set_to_none=True)
        loss = ((A @ w + c - b) ** 2).mean()
        loss.backward()
        opt.step()
        if step % 10 == 0 or step == 49:
            print(step, loss.item())
    print(w.detach(), c.detach())
print(opt)
W = torch.zeros(40, 3, requires_grad=True)
opt = optim.Adam([W], lr=0.02)
target = torch.linspace(-2, 2, 120).reshape(40, 3)
for step in range(30):
    opt.zero_grad()
    loss = ((W - target) ** 2).sum()
    loss.backward()
    opt.step()
print(loss.item(), W.detach()[::13])
p = torch.tensor([1.0, -1.0], requires_grad=True)
opt = optim.Adam([p])
(p * p).sum().backward()
opt.step()
print(p.detach(), p.grad, opt.state[p]['exp_avg'], opt.state[p]['exp_avg_sq'])
opt.zero_grad()
print(p.grad)
for bad in (dict(lr=-0.1), dict(betas=(1.0, 0.9)), dict(eps=-1.0)):
    try:
        optim.Adam([p], **bad)
    except ValueError as e:
        print("ValueError:", e)
