import torch
x = torch.tensor([1.0, 2.0], requires_grad=True)
h = x * 3
h.retain_grad()
y = (h ** 2).sum()
y.backward()
print(h.grad, x.grad, h.retains_grad, x.retains_grad)
h2 = x * 3
z = (h2 ** 2).sum()
z.backward()
print(h2.retains_grad, x.grad)
