import torch
w = torch.tensor([0.5, -1.5, 2.0], requires_grad=True)
lr = 0.1
for it in range(4):
    loss = (w ** 2).sum()
    loss.backward()
    with torch.no_grad():
        w -= lr * w.grad
    print(it, loss.item(), w, w.requires_grad, w.is_leaf, w._version)
    w.grad.zero_()
print(w.grad)
