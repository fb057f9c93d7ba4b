import torch
x = torch.arange(12).reshape(3, 4)
print(torch.gather(x, 1, torch.tensor([[0, 0], [1, 0], [3, 2]])))
print(x.gather(0, torch.tensor([[2, 1, 0, 0]])))
print(torch.index_select(x, 0, torch.tensor([2, 0])), x.index_select(1, torch.tensor([3, 3, 1])))
print(x.t().index_select(0, torch.tensor([1])))
m = x % 3 == 0
print(torch.masked_select(x, m), x.masked_select(x > 8))
print(torch.nonzero(m), x.nonzero().shape)
print(torch.nonzero(torch.tensor([0, 3, 0, 5]), as_tuple=True))
print(torch.where(m, x, -1), torch.where(m, 1.5, x.float()))
print(torch.where(torch.tensor([True, False, True])))
print(x.where(x > 5, torch.zeros_like(x)))
print(x.masked_fill(m, 100), x.float().masked_fill(torch.tensor([True, False, False, True]), float('-inf')))
y = x.clone()
y.masked_fill_(y > 9, 0)
print(y)
try:
    torch.gather(x, 1, torch.tensor([[4]]))
except RuntimeError as e:
    print("RuntimeError", e)
try:
    x.index_select(0, torch.tensor([5]))
except IndexError as e:
    print("IndexError", e)
except RuntimeError as e:
    print("RuntimeError", e)
