import torch
x = torch.ones(2, 3)
print(x.new_zeros(2), x.new_ones((1, 2)), x.new_full((2,), 3), x.new_zeros(2, dtype=torch.int32), x.new_empty(2).shape)
print(x.new_tensor([1, 2]), torch.tensor([1, 2]).new_tensor([1.5, 2.5]), torch.tensor([1, 2]).new_ones(3), x.new_zeros(size=(1, 1)))
d = torch.tensor([[1.0, 2.0, 4.0], [3.0, -1.0, 0.5]])
print(torch.var_mean(d, 1), torch.std_mean(d), torch.var_mean(d, dim=0, unbiased=False, keepdim=True))
print(torch.std_mean(d.double(), 1, correction=0))
print(torch.arange(6).view_as(x), torch.arange(6.0).reshape_as(x.t()))
print(x.is_cpu, x.is_cuda, x.device.type, x.device, torch.device('cpu').index)
try:
    torch.arange(5).view_as(x)
except RuntimeError as e:
    print("RuntimeError", e)
