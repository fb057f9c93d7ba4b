# bench_small_add_loop.py -- the small_add workload as a Python loop, run by both `optbench run`
# (the engine's interpreter) and CPython + PyTorch; script/bench-compare.sh runs it in each and
# compares. Prints one number: the median, over 7 samples, of the nanoseconds per `a + b`.
import time
import torch

a = torch.tensor([1.0, 2.0, 3.0])
b = torch.tensor([4.0, 5.0, 6.0])
n = 20000
for i in range(n):  # warm-up
    c = a + b
samples = []
for s in range(7):
    t0 = time.perf_counter()
    for i in range(n):
        c = a + b
    samples.append((time.perf_counter() - t0) / n * 1e9)
samples.sort()
assert c.tolist() == [5.0, 7.0, 9.0]
print(samples[3])
