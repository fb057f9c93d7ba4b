# bench_train_step_loop.py -- the train_step_mlp workload as a Python loop, run by both
# `optbench run` and CPython + PyTorch (script/bench-compare.sh compares them): one SGD step of
# Linear(5, 16), tanh, Linear(16, 1) with BCEWithLogitsLoss on 8 samples. Prints one number: the
# median, over 7 samples, of the nanoseconds per step.
import time
import torch
import torch.nn as nn
import torch.optim as optim

torch.manual_seed(0)
X = torch.randn(8, 5)
y = (torch.rand(8, 1) >= 0.5).float()
model = nn.Sequential(nn.Linear(5, 16), nn.Tanh(), nn.Linear(16, 1))
opt = optim.SGD(model.parameters(), lr=0.1)
loss_fn = nn.BCEWithLogitsLoss()


def step():
    opt.zero_grad(set_to_none=True)
    loss = loss_fn(model(X), y)
    loss.backward()
    opt.step()
    return loss


first = step().item()
n = 500
for i in range(n):  # warm-up
    step()
samples = []
for s in range(7):
    t0 = time.perf_counter()
    for i in range(n):
        last = step()
    samples.append((time.perf_counter() - t0) / n * 1e9)
samples.sort()
assert last.item() < first
print(samples[3])
