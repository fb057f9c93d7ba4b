import torch
t = torch.zeros(2, 3)
print(t.fill_(2.5), t.zero_(), t.fill_(torch.tensor(7)))
t.copy_(torch.tensor([1.0, -2.0, 3.0]))
print(t)
print(t.clamp_(min=0), t.clamp_(max=2.0), t)
t[:, 1].fill_(9)
print(t)
torch.manual_seed(3)
print(torch.initial_seed())
print(torch.randperm(6), torch.randperm(4, dtype=torch.float32))
print(torch.empty(3).normal_(), torch.empty(2).normal_(5, 0.1), torch.empty(2).uniform_(-1, 1))
print(torch.rand_like(t), torch.randn_like(t).shape, torch.full_like(t, 4), torch.empty_like(t).shape)
print(torch.zeros_like(t, dtype=torch.int32), torch.ones_like(t))
print(torch.get_default_dtype())
torch.set_default_dtype(torch.float64)
print(torch.tensor([1.5]), torch.zeros(1).dtype, torch.get_default_dtype())
torch.set_default_dtype(torch.float32)
print(torch.tensor([1.5]).dtype)
try:
    torch.set_default_dtype(torch.int32)
except TypeError as e:
    print("TypeError", e)
try:
    t.fill_(torch.ones(2))
except RuntimeError as e:
    print("RuntimeError", e)
try:
    t.copy_(torch.ones(4))
except RuntimeError as e:
    print("RuntimeError", e)
