#!/usr/bin/env python3
"""test-bench.py OPTBENCH -- functional checks of `optbench bench` (no timing assertions): the JSON
form parses and names the workload it ran, --device cuda runs on the device or (none here) exits 2
saying why, bad arguments exit 2. Emits TAP."""
import json
import subprocess
import sys

exe = sys.argv[1]
cases = []


def case(fn):
    cases.append(fn)
    return fn


def run(*args):
    p = subprocess.run([exe, "bench", *args], stdin=subprocess.DEVNULL, capture_output=True, text=True,
                       timeout=300)
    return p.returncode, p.stdout, p.stderr


@case
def json_small_add():
    """/bench/json-small-add"""
    rc, out, err = run("--only", "small_add", "--repeat", "3", "--json")
    assert rc == 0, "exit status %d: %s" % (rc, err)
    doc = json.loads(out)
    names = [w["name"] for w in doc["workloads"]]
    assert names == ["small_add"], names
    w = doc["workloads"][0]
    assert w["ok"] is True and w["error"] is None, w
    assert w["metric"] == "latency", w
    assert isinstance(w["median_s"], float) and w["median_s"] > 0, w
    assert w["min_s"] <= w["median_s"] <= w["max_s"], w
    assert doc["repeat"] == 3 and doc["device"] == "cpu", doc
    assert isinstance(doc["threads"]["blas"], int), doc


@case
def cuda_device():
    """/bench/device-cuda"""
    # Without a usable CUDA device: exit 2, saying why; with one: the workload runs there.
    rc, out, err = run("--device", "cuda", "--only", "small_add", "--repeat", "2")
    if rc == 2:
        assert out == "" and "no CUDA device" in err, (rc, out, err)
    else:
        assert rc == 0 and " on cuda:0 (" in out and "small_add" in out, (rc, out, err)


@case
def unknown_workload_exits_2():
    """/bench/unknown-workload-exits-2"""
    rc, out, err = run("--only", "small_add,frobnicate")
    assert rc == 2 and out == "" and "frobnicate" in err and "sum_sq_5m" in err, (rc, out, err)


@case
def bad_repeat_exits_2():
    """/bench/bad-repeat-exits-2"""
    for bad in ("0", "x", "-3"):
        rc, out, err = run("--repeat", bad)
        assert rc == 2 and out == "" and "--repeat" in err, (bad, rc, out, err)


@case
def list_names_every_workload():
    """/bench/list-names-every-workload"""
    rc, out, err = run("--list")
    assert rc == 0, (rc, err)
    names = [line.split("\t")[0] for line in out.splitlines()]
    for n in ("small_add", "sum_sq_5m", "broadcast_mul", "contiguous_t", "f16_add_16m", "bf16_add_16m",
              "f16_sum_16m", "bf16_sum_16m", "sgemm_2048", "matmul_abc", "matmul_a_bc", "logreg_grad_100k",
              "tiny_graph_backward"):
        assert n in names, (n, names)


print("1..%d" % len(cases))
failed = 0
for i, fn in enumerate(cases, 1):
    try:
        fn()
        print("ok %d %s" % (i, fn.__doc__))
    except Exception as e:  # report, go on
        failed += 1
        print("not ok %d %s" % (i, fn.__doc__))
        for line in repr(e).splitlines():
            print("# " + line)
sys.exit(1 if failed else 0)
