# bench_startup.py -- a small program for script/bench-runner.sh's start-up comparison: what a
# student's first cell does.
import torch

x = torch.tensor([1.0, 2.0, 3.0])
print((x * x).sum())
