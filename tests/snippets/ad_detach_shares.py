import torch
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
d = x.detach()
print(d.data_ptr() == x.data_ptr(), d.requires_grad, d.is_leaf, d.grad_fn)
print(x._version, d._version)
d.mul_(10)
print(x._version, d._version)
print(x)
print(d)
y = x * 2
e = y.detach()
print(e.data_ptr() == y.data_ptr(), e)
e.zero_()
print(y, y._version)
