import torch
w = torch.tensor([3.0, -4.0], requires_grad=True)
eta = 0.25
for k in range(8):
    L = 0.5 * (w ** 2).sum()
    L.backward()
    with torch.no_grad():
        w -= eta * w.grad
    w.grad.zero_()
    print(k, L.item(), w.tolist())
