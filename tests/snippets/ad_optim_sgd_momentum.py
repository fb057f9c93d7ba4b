import torch
w = torch.tensor([1.0, -2.0], requires_grad=True)
opt = torch.optim.SGD([w], lr=0.1, momentum=0.9)
for k in range(5):
    opt.zero_grad()
    loss = (w[0] - 3) ** 2 + 10 * w[1] ** 2
    loss.backward()
    opt.step()
    print(k, f"{loss.item():.6f}", w.detach())
