# bench_tiny_graph_loop.py -- the tiny_graph_backward workload as a Python loop, run by both
# `optbench run` and CPython + PyTorch (script/bench-compare.sh compares them). Prints one number:
# the median, over 7 samples, of the nanoseconds per iteration.
import time
import torch

w = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)


def step():
    w.grad = None
    loss = 0.5 * (w * w).sum()
    loss.backward()


n = 2000
for i in range(n):  # warm-up
    step()
samples = []
for s in range(7):
    t0 = time.perf_counter()
    for i in range(n):
        step()
    samples.append((time.perf_counter() - t0) / n * 1e9)
samples.sort()
assert w.grad.tolist() == [1.0, 2.0, 3.0]
print(samples[3])
