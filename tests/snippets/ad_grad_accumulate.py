import torch
w = torch.tensor([1.0, 2.0], requires_grad=True)
for k in range(3):
    loss = (w * (k + 1)).sum()
    loss.backward()
    print(k, w.grad)
w.grad.zero_()
print(w.grad)
(w ** 2).sum().backward()
print(w.grad)
w.grad = None
print(w.grad)
(w ** 3).sum().backward()
print(w.grad)
