# cat/stack, unflatten, in-place arithmetic, norm, allclose, data_ptr sharing (lecture section 4).
import torch

a = torch.tensor([[1, 2], [3, 4]])
b = torch.tensor([[5, 6]])
print(torch.cat([a, b], dim=0))
print(torch.cat((a, a), 1))
print(torch.cat([a.t(), a.t()[:, ::-1] if False else a.t()], dim=-1))
print(torch.stack([a, a]).shape, torch.stack([a, a], dim=2).shape)
print(torch.cat([torch.tensor([1.0]), torch.tensor([2, 3])]))
try:
    torch.cat([a, torch.zeros(3, 3)], dim=1)
except RuntimeError as e:
    print("cat:", e)
try:
    torch.stack([a, b])
except RuntimeError as e:
    print("stack:", e)
try:
    torch.cat([a, 1])
except TypeError as e:
    print("TypeError")

x = torch.arange(12)
print(x.unflatten(0, (3, 4)).shape, x.unflatten(dim=0, sizes=(2, -1)).shape)
print(x.reshape(3, 4).unflatten(1, (2, 2)).stride())

y = torch.tensor([1.0, 2.0, 3.0])
z = y.clone()
r = z.add_(torch.tensor([10.0, 20.0, 30.0]))
print(z, r.data_ptr() == z.data_ptr(), y)
z.mul_(2).sub_(1).div_(4)
print(z)
print(y.add(1), y.mul(y))
ints = torch.tensor([1, 2])
try:
    ints.div_(2)
except RuntimeError as e:
    print("div_:", e)

v = torch.tensor([3.0, 4.0])
print(v.norm(), torch.norm(v), v.norm(1), v.norm(p=float("inf")))
m = torch.tensor([[3.0, 4.0], [6.0, 8.0]])
print(m.norm(dim=1), m.norm(dim=0, keepdim=True))
print(torch.allclose(v, v + 1e-9), torch.allclose(v, v + 1), torch.allclose(v, v + 0.5, atol=1.0))

A = torch.arange(6).reshape(2, 3)
print(A.data_ptr() == A.view(-1).data_ptr(), A.data_ptr() == A[1].data_ptr() - 3 * 8)
print(A.t().contiguous().data_ptr() == A.data_ptr(), A.detach().data_ptr() == A.data_ptr())
