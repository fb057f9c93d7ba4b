# bench_element_loop.py -- the lecture's loop-versus-vectorised example: a Python loop that visits a
# tensor one element at a time. Run by both `optbench run` and CPython + PyTorch (see
# script/bench-runner.sh). Prints one number: the median, over 5 samples, of nanoseconds per
# iteration of the loop.
import time
import torch

torch.manual_seed(0)
x = torch.randn(20000)
samples = []
for s in range(6):
    t0 = time.perf_counter()
    total = 0.0
    for i in range(x.shape[0]):
        total += x[i].item() * 2.0
    samples.append((time.perf_counter() - t0) / x.shape[0] * 1e9)
samples = sorted(samples[1:])  # the first pass is warm-up
assert abs(total - 2.0 * x.sum().item()) < 1e-2 * max(1.0, abs(total))
print(samples[2])
