#!/usr/bin/env python3
"""PyTorch's side of the GPU workloads of tests/cuda/cuda-check.c --bench, printed in the same
format ("# bench NAME MS ms ..."), for script/gpu-check.sh to put the ratios side by side."""
import sys
import time

import torch

if not torch.cuda.is_available():
    print("# PyTorch sees no CUDA device")
    sys.exit(0)
torch.backends.cuda.matmul.allow_tf32 = False


def median_ms(fn, reps=10):
    fn()
    torch.cuda.synchronize()
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        torch.cuda.synchronize()
        times.append((time.perf_counter() - t0) * 1e3)
    times.sort()
    return times[len(times) // 2]


n = 256 * 1024 * 1024
a = torch.zeros(n, device="cuda")
b = torch.ones(n, device="cuda")
ms = median_ms(lambda: a + b)
print("# bench add_1GiB_f32 %.3f ms %.1f GB/s" % (ms, 3.0 * 1073741824 / (ms * 1e-3) / 1e9))
ms = median_ms(lambda: a.sum())
print("# bench sum_1GiB_f32 %.3f ms %.1f GB/s" % (ms, 1.0 * 1073741824 / (ms * 1e-3) / 1e9))
del a, b
m = torch.ones(8192, 8192, device="cuda")
ms = median_ms(lambda: m @ m)
print("# bench sgemm_8192 %.3f ms %.1f GFLOP/s" % (ms, 2.0 * 8192 ** 3 / (ms * 1e-3) / 1e9))
s = torch.ones(3, device="cuda")
print("# bench small_add_3 %.4f ms" % median_ms(lambda: s + s, 50))
