#!/usr/bin/python3
"""bench_torch.py -- the workloads of `optbench bench`, timed the same way in PyTorch.

Same names, same shapes and dtypes, same timing: one cold run, one run to size a batch so that a
sample lasts at least 10 ms, a warm batch, then REPEAT samples; the median sample is reported.
Runs on Debian's python3-torch (/usr/bin/python3) with torch.set_num_threads(2) unless --threads
says otherwise. Prints JSON with --json (what script/bench-compare.sh reads), else a table.

    /usr/bin/python3 script/bench_torch.py [--json] [--only NAME,...] [--repeat N] [--threads N]
"""
import argparse
import json
import math
import statistics
import sys
import time

import torch

MIN_SAMPLE = 0.01


def quantile(v, q):
    """numpy's default (linear) quantile of a sorted list, as bench.c computes it"""
    pos = q * (len(v) - 1)
    i = int(pos)
    if i >= len(v) - 1:
        return v[-1]
    return v[i] + (pos - i) * (v[i + 1] - v[i])


def uniform(shape, lo, hi, dtype=torch.float32):
    return (torch.rand(shape) * (hi - lo) + lo).to(dtype)


# Each workload: (name, metric, bytes, flops, setup() -> state, run(state), check(state) -> error or None).
# The bytes and flops are the same as in src/bench/workloads.c.

def w_small_add():
    a = torch.tensor([1.0, 2.0, 3.0])
    b = torch.tensor([4.0, 5.0, 6.0])

    def run():
        a + b
    return run, lambda: None if (a + b).tolist() == [5.0, 7.0, 9.0] else "wrong sum"


def w_sum_sq():
    x = uniform(5_000_000, -1, 1)

    def run():
        return torch.sum(x * x)
    ref = (x.double() * x.double()).sum().item()
    return run, lambda: None if abs(run().item() - ref) <= 1e-5 * ref else "wrong sum"


def w_broadcast_mul():
    A = uniform((4096, 1024), -1, 1)
    v = uniform(1024, -1, 1)

    def run():
        return A * v
    return run, lambda: None if torch.equal(run()[7], A[7] * v) else "wrong product"


def w_contiguous_t():
    A = uniform((4096, 1024), -1, 1)
    At = A.t()

    def run():
        return At.contiguous()
    return run, lambda: None if torch.equal(run(), At) and run().is_contiguous() else "wrong copy"


def w_half_add(dtype):
    def make():
        a = uniform(16 * 1024 * 1024, -1, 1, dtype)
        b = uniform(16 * 1024 * 1024, -1, 1, dtype)

        def run():
            return a + b
        return run, lambda: None if torch.equal(run()[:1000], (a[:1000].float() + b[:1000].float()).to(dtype)) else "wrong sum"
    return make


def w_half_sum(dtype):
    def make():
        a = uniform(16 * 1024 * 1024, 0, 1 / 512, dtype)

        def run():
            return a.sum()
        ref = a.double().sum().item()
        tol = (2 ** -10 if dtype == torch.float16 else 2 ** -7) * ref
        return run, lambda: None if abs(run().item() - ref) <= tol else "wrong sum"
    return make


def w_sgemm():
    A = uniform((2048, 2048), -1, 1)
    B = uniform((2048, 2048), -1, 1)

    def run():
        return A @ B
    return run, lambda: None if torch.allclose(run()[:4], (A[:4].double() @ B.double()).float(), atol=1e-3) else "wrong product"


def w_abc(order):
    def make():
        A = uniform((2000, 20), -1, 1)
        B = uniform((20, 2000), -1, 1)
        C = uniform((2000, 20), -1, 1)

        def run_abc():
            return (A @ B) @ C

        def run_a_bc():
            return A @ (B @ C)
        run = run_abc if order == "abc" else run_a_bc
        ref = (A.double() @ (B.double() @ C.double())).float()
        return run, lambda: None if torch.allclose(run(), ref, rtol=1e-4, atol=1e-3) else "wrong product"
    return make


def w_logreg():
    n, d, lr = 100_000, 64, 0.1
    X = uniform((n, d), -1, 1)
    y = (torch.rand(n) >= 0.5).float()
    w = uniform(d, -0.1, 0.1)

    def run():
        nonlocal w
        p = torch.sigmoid(X @ w)
        g = X.t() @ (p - y) / n
        w -= lr * g

    def check():
        w0 = w.clone()
        run()
        p = torch.sigmoid(X.double() @ w0.double())
        want = w0.double() - lr * (X.double().t() @ (p - y.double()) / n)
        return None if torch.allclose(w.double(), want, rtol=0, atol=1e-6) else "wrong step"
    return run, check


def w_tiny_graph():
    w = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)

    def run():
        w.grad = None
        loss = 0.5 * (w * w).sum()
        loss.backward()

    def check():
        run()
        return None if torch.equal(w.grad, w.detach()) else "wrong gradient"
    return run, check


def w_train_step():
    X = uniform((8, 5), -1, 1)
    y = (torch.rand(8, 1) >= 0.5).float()
    model = torch.nn.Sequential(torch.nn.Linear(5, 16), torch.nn.Tanh(), torch.nn.Linear(16, 1))
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    loss_fn = torch.nn.BCEWithLogitsLoss()

    def run():
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(X), y)
        loss.backward()
        opt.step()
        return loss

    def check():
        first = run().item()
        for _ in range(200):
            last = run().item()
        return None if last < first else "the loss did not go down"
    return run, check


F32 = 4
H = 16 * 1024 * 1024
WORKLOADS = [
    ("small_add", "latency", 0, 3, w_small_add),
    ("sum_sq_5m", "bandwidth", 3 * F32 * 5_000_000, 2 * 5_000_000, w_sum_sq),
    ("broadcast_mul", "bandwidth", F32 * (2 * 4096 * 1024 + 1024), 4096 * 1024, w_broadcast_mul),
    ("contiguous_t", "bandwidth", F32 * 2 * 4096 * 1024, 0, w_contiguous_t),
    ("f16_add_16m", "bandwidth", 2 * 3 * H, H, w_half_add(torch.float16)),
    ("bf16_add_16m", "bandwidth", 2 * 3 * H, H, w_half_add(torch.bfloat16)),
    ("f16_sum_16m", "bandwidth", 2 * H, H, w_half_sum(torch.float16)),
    ("bf16_sum_16m", "bandwidth", 2 * H, H, w_half_sum(torch.bfloat16)),
    ("sgemm_2048", "compute", F32 * 3 * 2048 * 2048, 2 * 2048 ** 3, w_sgemm),
    ("matmul_abc", "compute", F32 * (3 * 2000 * 20 + 2 * 2000 * 2000), 4 * 2000 * 20 * 2000, w_abc("abc")),
    ("matmul_a_bc", "compute", F32 * 4 * 2000 * 20, 4 * 20 * 2000 * 20, w_abc("a_bc")),
    ("logreg_grad_100k", "bandwidth", F32 * (2 * 100_000 * 64 + 4 * 100_000), 4 * 100_000 * 64, w_logreg),
    ("tiny_graph_backward", "latency", 0, 0, w_tiny_graph),
    ("train_step_mlp", "latency", 0, 0, w_train_step),
]


def measure(run, repeat):
    t0 = time.perf_counter()
    run()
    t1 = time.perf_counter()
    run()
    est = min(t1 - t0, time.perf_counter() - t1)
    inner = 1 if est >= MIN_SAMPLE else (math.ceil(MIN_SAMPLE / est) if est > 0 else 1_000_000)
    inner = min(inner, 1_000_000)
    for _ in range(inner):
        run()
    samples = []
    for _ in range(repeat):
        s0 = time.perf_counter()
        for _ in range(inner):
            run()
        samples.append((time.perf_counter() - s0) / inner)
    samples.sort()
    return inner, samples


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--only", default="")
    ap.add_argument("--repeat", type=int, default=10)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    names = [w[0] for w in WORKLOADS]
    only = [s for s in args.only.split(",") if s]
    for s in only:
        if s not in names:
            sys.exit("bench_torch.py: unknown workload '%s'; the workloads are: %s" % (s, " ".join(names)))
    results = []
    failed = 0
    for name, metric, nbytes, flops, make in WORKLOADS:
        if only and name not in only:
            continue
        r = {"name": name, "metric": metric, "bytes": nbytes or None, "flops": flops or None}
        try:
            run, check = make()
            inner, samples = measure(run, args.repeat)
            err = check()
        except Exception as e:  # a failed workload is reported, not fatal
            inner, samples, err = 0, [], "%s: %s" % (type(e).__name__, e)
        med = quantile(samples, 0.5) if samples else None
        r.update({"ok": err is None, "error": err, "inner": inner, "median_s": med,
                  "q1_s": quantile(samples, 0.25) if samples else None,
                  "q3_s": quantile(samples, 0.75) if samples else None,
                  "min_s": samples[0] if samples else None, "max_s": samples[-1] if samples else None})
        if med:
            r["gbs"] = nbytes / med / 1e9 if metric == "bandwidth" else None
            r["gflops"] = flops / med / 1e9 if metric == "compute" else None
        failed += err is not None
        results.append(r)
    out = {"tool": "bench_torch.py", "torch": torch.__version__, "threads": torch.get_num_threads(),
           "repeat": args.repeat, "min_sample_s": MIN_SAMPLE, "workloads": results}
    if args.json:
        json.dump(out, sys.stdout, indent=2)
        print()
    else:
        print("PyTorch %s, %d threads, median of %d samples" % (torch.__version__, torch.get_num_threads(), args.repeat))
        for r in results:
            med = r["median_s"]
            print("%-20s %14s  %s" % (r["name"], "-" if med is None else "%.6g s" % med,
                                      "ok" if r["ok"] else "FAILED: " + r["error"]))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
