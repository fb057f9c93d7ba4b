import torch
w = torch.tensor([1.0, 2.0], requires_grad=True)
d = w.data
print(d.requires_grad, d.is_leaf, d.data_ptr() == w.data_ptr())
d.mul_(3)
print(w)
(w * w).sum().backward()
print(w.grad)
