# rsub in its forms: a number minus a tensor, torch.rsub with a tensor and alpha, broadcasting,
# integers, and where each gradient goes.
import torch

w = torch.tensor([[1.0, -2.0, 0.5], [3.0, 0.25, -1.0]], requires_grad=True)
b = torch.tensor([0.5, 1.0, -1.5], requires_grad=True)
y = torch.rsub(w, b, alpha=2)
print(y)
print(y.grad_fn.name(), [f[0].name() for f in y.grad_fn.next_functions])
z = 3.0 - w
print(z.grad_fn.name(), len(z.grad_fn.next_functions))
(y.sum() + (z * z).sum()).backward()
print(w.grad)
print(b.grad)
print(torch.rsub(torch.tensor([1, 2, 3]), 10))
print(torch.rsub(torch.tensor([1.5, 2.5]), torch.tensor([4.0, 8.0]), alpha=0.5))
print(7 - torch.arange(4))
print((2 - torch.tensor([0.5], dtype=torch.float16)).dtype)
