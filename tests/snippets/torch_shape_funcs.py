import torch
x = torch.arange(10)
print(torch.split(x, 3), x.split([2, 3, 5]))
print(x.chunk(3), torch.chunk(x.reshape(2, 5), 2, dim=1))
print(len(x.split(4)), type(x.chunk(2)).__name__)
a = torch.arange(9.0).reshape(3, 3)
print(a.diagonal(), torch.diagonal(a, 1), a.diagonal(offset=-1), a.diagonal().stride())
print(a.narrow(0, 1, 2), torch.narrow(a, 1, 0, 1))
v = torch.tensor([1, 2, 3])
e = v.expand(2, 3)
print(e, e.stride(), v.expand(2, -1).shape, torch.broadcast_to(v, (3, 3)).stride())
print(v.unsqueeze(1).expand_as(a))
print(v.repeat(2), v.repeat(2, 2), a[:1].repeat(2, 1, 1).shape)
print(a.T, a.mT, torch.arange(8).reshape(2, 2, 2).mT)
print(a.mT.is_contiguous(), a.element_size(), v.element_size(), a.nelement(), a.ndimension(), a.ndim, a.numel(), a.dim())
print(a[1:, ::2].storage_offset(), a.stride(1), a.size(0), a.size(-1))
try:
    x.split([2, 3])
except RuntimeError as e:
    print("RuntimeError", e)
try:
    v.expand(2, 4)
except RuntimeError as e:
    print("RuntimeError", e)
try:
    a.narrow(0, 2, 3)
except RuntimeError as e:
    print("RuntimeError", e)
try:
    v.mT
except RuntimeError as e:
    print("RuntimeError", e)
try:
    v.repeat(2, 2)[0].repeat(1)
except RuntimeError as e:
    print("RuntimeError", e)
m = torch.arange(12.0).reshape(3, 4)
print(m.t().split(2), m[:, ::2].chunk(2, 1), m.split(2, dim=1))
print(torch.chunk(torch.arange(5), 3), torch.chunk(torch.arange(6), 4))
print(m.t().diagonal(), m.diagonal(0, 1, 0), m.t().narrow(1, 1, 2).stride())
print(torch.arange(3, dtype=torch.int16).expand(2, 3).repeat(1, 2))
