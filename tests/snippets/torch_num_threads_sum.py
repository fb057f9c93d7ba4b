# How many threads PyTorch uses decides how it splits a large reduction to one value, and so the
# last bits of the result. Every count prints the sum it gives.
import torch

x = torch.linspace(-3.0, 5.0, 250001) ** 2
half = x.to(torch.bfloat16)
print(torch.get_num_threads(), x.sum().item())  # the default count here: one thread
for n in (1, 2, 3, 4):
    torch.set_num_threads(n)
    print(n, torch.get_num_threads(), x.sum().item(), x.mean().item(), half.sum().item())
torch.set_num_threads(2)
small = torch.arange(1000, dtype=torch.float32) / 7
print(small.sum().item())  # below 32768 elements: one pass, whatever the count
print(x[::3].sum().item(), x[1:].sum().item())  # strided, offset
try:
    torch.set_num_threads(0)
except RuntimeError as e:
    print("RuntimeError:", e)
