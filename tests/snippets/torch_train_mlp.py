# A 2-layer network (8x5 -> 16 -> 1, tanh) trained with MSELoss: SGD and Adam, 200 steps, loss every 50.
import torch
import torch.nn as nn
import torch.optim as optim

for make_opt in (lambda ps: optim.SGD(ps, lr=0.05, momentum=0.9), lambda ps: optim.Adam(ps, lr=0.01)):
    torch.manual_seed(0)
    X = torch.randn(8, 5)
    y = torch.randn(8, 1)
    model = nn.Sequential(nn.Linear(5, 16), nn.Tanh(), nn.Linear(16, 1))
    opt = make_opt(model.parameters())
    loss_fn = nn.MSELoss()
    print(type(opt).__name__)
    for step in range(200):
        opt.zero_grad()
        loss = loss_fn(model(X), y)
        loss.backward()
        opt.step()
        if step % 50 == 0 or step == 199:
            print(step, f"{loss.item():.5f}")
    print(model(X).detach().squeeze(1))
