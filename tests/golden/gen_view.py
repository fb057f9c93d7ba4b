#!/usr/bin/python3
"""Writes view.txt: geometry (shape, strides, storage offset, contiguity, storage sharing) and values
of view and shape operations on many layouts and dtypes, and their errors, from real PyTorch.

Run with Debian's PyTorch: /usr/bin/python3 tests/golden/gen_view.py

Record kinds:
  @@ storage DTYPE    the storage every input of that dtype views (values exact, space-separated)
  @@ layout NAME      "shape|strides|offset" of input layout NAME; inputs are named DT:LAYOUT
                      (DT a short dtype name), and DT:e0 is torch.empty(0)
  @@ NAME|OP ARGS     the result of OP on input NAME (see result_lines)
  @@ multi|OP ARGS    cat/stack over several inputs named in ARGS
"""
import os
import warnings

import torch

warnings.simplefilter("ignore")
HERE = os.path.dirname(os.path.abspath(__file__))

DTYPES = {
    "float32": torch.float32, "float64": torch.float64, "float16": torch.float16,
    "bfloat16": torch.bfloat16, "int64": torch.int64, "int32": torch.int32, "int16": torch.int16,
    "int8": torch.int8, "uint8": torch.uint8, "bool": torch.bool,
}
N = 64  # storage elements of every input


def storage_values(dt):
    """Exactly representable in every dtype: quarters for floats, small integers otherwise."""
    t = torch.arange(N, dtype=torch.float64)
    if dt.is_floating_point:
        return ((t - 20) * 0.25).to(dt)
    if dt == torch.bool:
        return (t.long() % 3 != 0)
    if dt == torch.uint8:
        return t.to(dt)
    return (t - 20).to(dt)


def fmt_value(v, dt):
    if dt.is_floating_point:
        return repr(float(v))  # exact: every value here is a multiple of 2**-k with few digits
    if dt == torch.bool:
        return "1" if v else "0"
    return str(int(v))


def flat_values(t):
    return [fmt_value(v, t.dtype) for v in t.reshape(-1).tolist()] if t.numel() else []


# layouts: name -> (shape, strides, offset)
LAYOUTS = {
    "c34": ((3, 4), (4, 1), 0),
    "c234": ((2, 3, 4), (12, 4, 1), 0),
    "t34": ((4, 3), (1, 4), 0),          # a transposed (3, 4)
    "step": ((3, 2), (8, 2), 1),         # x.view(-1)[1:][::2]-like: rows and columns with steps
    "exp": ((3, 4), (0, 1), 2),          # a row expanded to 3 rows
    "one": ((2, 1, 4), (4, 4, 1), 0),    # a size-1 dim
    "perm": ((4, 2, 3), (1, 12, 4), 0),  # a permuted (2, 3, 4)
    "s0": ((), (), 5),                   # 0-dim
    "v6": ((6,), (1,), 3),
    "v6s": ((6,), (3,), 1),
    "e03": ((0, 3), (3, 1), 0),          # empty
    "col": ((4, 1), (1, 1), 7),
    "sq": ((3, 3), (3, 1), 2),
    "sqt": ((3, 3), (1, 3), 0),
    "c2222": ((2, 2, 2, 2), (8, 4, 2, 1), 0),
    "pad": ((2, 3), (8, 1), 0),          # rows with padding between them
    "cl": ((2, 3, 2, 2), (12, 1, 6, 3), 0),  # channels-last (NHWC in memory)
    "cl1": ((2, 1, 2, 2), (4, 1, 2, 1), 0),  # ambiguous: one channel
}

OPS_ALL = [
    # view / reshape
    "view -1", "view 12", "view 2 6", "view 6 -1", "view 3 2 2", "view 1 12", "view 4 3 1", "view 2 -1 2",
    "view 3 5", "view -1 -1", "view -2 6", "view 24", "view 1", "view", "view 2 2 3 1", "view 0 -1", "view 3 0",
    "reshape -1", "reshape 12", "reshape 2 6", "reshape 6 -1", "reshape 3 2 2", "reshape 4 3", "reshape 3 5",
    "reshape 1 -1 1", "reshape 2 3", "reshape 6", "reshape", "reshape 3 1 -1",
    # transposes
    "t", "transpose 0 1", "transpose -1 0", "transpose 0 2", "transpose 1 1", "transpose 0 -3",
    "permute 1 0", "permute 0 1", "permute 2 0 1", "permute 1 2 0", "permute 0", "permute 0 0", "permute 0 2",
    "permute 3 1 0 2",
    # squeeze / unsqueeze
    "unsqueeze 0", "unsqueeze 1", "unsqueeze -1", "unsqueeze 2", "unsqueeze 3", "unsqueeze -4",
    "squeeze", "squeeze_dim 0", "squeeze_dim 1", "squeeze_dim -1", "squeeze_dim 3",
    # expand
    "expand 3 4", "expand 2 3 4", "expand -1 4", "expand 2 -1 -1", "expand 4", "expand 2 4", "expand 1 1",
    "expand 3 1", "expand 5 2 1 4", "expand -1 3", "expand 2 -2", "expand 6", "expand 2 6", "expand 4 4",
    "broadcast_to 2 3 4", "broadcast_to 2 4", "broadcast_to 3 4",
    # select / slice / narrow
    "select 0 0", "select 0 1", "select 0 -1", "select 1 2", "select -1 1", "select 0 5", "select 1 -5",
    "select 2 0", "select 3 0",
    "slice 0 1 None 1", "slice 0 None None 2", "slice 1 1 3 1", "slice -1 None -1 2", "slice 0 -2 None 1",
    "slice 0 5 10 1", "slice 1 -100 100 3", "slice 0 2 1 1", "slice 0 None None 0", "slice 0 None None -1",
    "slice 2 0 1 1", "slice 5 0 1 1", "slice 0 1 2 5",
    "narrow 0 1 2", "narrow 1 0 1", "narrow -1 1 2", "narrow 0 3 0", "narrow 0 2 2", "narrow 1 -1 1",
    "narrow 0 5 0", "narrow 0 0 -1", "narrow 0 -2 2",
    # flatten / unflatten
    "flatten 0 -1", "flatten 1 -1", "flatten 0 1", "flatten 1 1", "flatten 1 0", "flatten 0 2", "flatten -1 -1",
    "unflatten 1 2 2", "unflatten 0 1 -1", "unflatten -1 2 -1", "unflatten 0 5 -1", "unflatten 1 -1 -1",
    "unflatten 0 -2 -3", "unflatten 0", "unflatten 1 1 1 -1", "unflatten 0 5 2",
    # diagonal
    "diagonal 0 0 1", "diagonal 1 0 1", "diagonal -1 0 1", "diagonal 2 1 0", "diagonal 5 0 1",
    "diagonal -7 0 1", "diagonal 0 -1 -2", "diagonal 0 0 2", "diagonal 0 1 1", "diagonal 1 1 2",
    # dtype views
    "view_dtype int16", "view_dtype float64", "view_dtype uint8", "view_dtype int32", "view_dtype float32",
    "view_dtype bool", "view_dtype int64",
    # repeat
    "repeat 2 1", "repeat 1 2", "repeat 2 2 2", "repeat 2", "repeat 3 1 2", "repeat 0 2", "repeat 2 -1",
    "repeat 1 1", "repeat 2 1 1 1", "repeat 1 1 1 1",
    # split / chunk
    "split 2 0", "split 1 1", "split 3 -1", "split 5 0", "split 0 0", "split -1 0", "split 2 3",
    "chunk 2 0", "chunk 3 1", "chunk 4 -1", "chunk 1 0", "chunk 0 0", "chunk 5 0", "chunk 2 3",
    # as_strided: offset then shape then strides
    "as_strided 0 2 2 1 2", "as_strided 3 3 2 2 0", "as_strided 1 1 1 3 1 1 1", "as_strided 60 2 2 2 1",
    "as_strided 0 2 2 -1 1", "as_strided -1 1 1", "as_strided 0 0 100 1 1", "as_strided 0 2 -3 1 1",
    "as_strided 63 1 1", "as_strided 64 1 1", "as_strided 0 4 4 0 0", "as_strided 5",
]

# A smaller set run on every dtype.
OPS_DTYPES = [
    "view -1", "view 2 6", "reshape 6 2", "t", "transpose 0 1", "permute 1 0", "unsqueeze 1", "squeeze",
    "expand 2 3 4", "select 1 2", "slice 1 1 None 2", "narrow 0 1 2", "flatten 0 -1", "unflatten 1 2 2",
    "diagonal 1 0 1", "repeat 2 2", "split 2 1", "chunk 2 0", "view_dtype int8", "view_dtype int16",
    "view_dtype float32", "view_dtype float64", "view_dtype bool", "view_dtype bfloat16",
]

MULTI = [
    # cat dim inputs... / stack dim inputs...
    "cat 0 f32:c34 f32:c34", "cat 1 f32:c34 f32:t34", "cat 0 f32:c34 f32:exp", "cat -1 f32:c34 f32:pad",
    "cat 1 f32:c34 f32:c34 f32:exp", "cat 0 f32:c34 i64:c34", "cat 0 i32:c34 f16:c34 bool:c34",
    "cat 0 u8:c34 i8:c34", "cat 1 bool:c34 bool:t34", "cat 0 bf16:c34 f16:c34", "cat 0 i64:v6 f64:v6s",
    "cat 0 f32:e03 f32:c34", "cat 0 f32:c34 f32:e03", "cat 1 f32:e03 f32:e03",
    "cat 0 f32:v6 f32:e0", "cat 0 f32:e0 f64:c34", "cat 1 f32:e0 i64:c34 f32:e0", "cat 0 i32:e0 i8:e0",
    "cat 5 i32:e0 i8:e0", "cat 0 f32:e0", "cat 0 f32:c234 f32:c234", "cat 2 f32:c234 f32:perm",
    "cat 1 f32:c34 f32:sq", "cat 1 f32:col f32:sqt f32:col", "stack 1 f32:sqt f32:sq", "cat 0 f32:c34 f32:sq", "cat 0 f32:c34 f32:v6", "cat 1 f32:c34 f32:c234",
    "cat 2 f32:c34 f32:c34", "cat -3 f32:c34 f32:c34", "cat 0", "cat 0 f32:s0 f32:s0", "cat 0 f32:c34 f32:s0",
    "cat 0 f32:v6 f32:v6s f32:v6", "cat 0 f32:c34",
    "cat 0 f32:cl f32:cl", "cat 1 f32:cl f32:cl", "cat 3 f32:cl f32:cl", "cat 0 f32:cl f32:c2222",
    "cat 0 f32:cl f32:e0 f32:cl", "cat 1 f32:cl f32:cl1", "cat 1 f32:cl1 f32:cl1", "cat 0 i64:cl f16:cl",
    "stack 0 f32:cl f32:cl", "stack 2 f32:cl f32:cl", "cat 1 f32:c2222 f32:c2222",
    "stack 0 f32:c34 f32:c34", "stack 1 f32:c34 f32:t34", "stack 2 f32:c34 f32:exp", "stack -1 f32:c34 f32:c34",
    "stack 0 f32:s0 i64:s0", "stack 0 f32:v6 f32:v6s", "stack 1 f32:v6 f32:v6s", "stack 0 f32:c34 f32:sq",
    "stack 2 f32:c34 f32:sq", "stack 3 f32:c34 f32:c34", "stack 0", "stack 0 f32:e0 f32:e0",
    "stack 1 f32:e0 f32:e0", "stack 0 f32:e03 f32:e03", "stack 0 i32:c34 f16:c34", "stack 0 f32:c34",
    "stack -3 f32:c34 f32:c34", "stack 1 bool:c34 u8:c34",
]

SHORT = {"f32": "float32", "f64": "float64", "f16": "float16", "bf16": "bfloat16", "i64": "int64",
         "i32": "int32", "i16": "int16", "i8": "int8", "u8": "uint8", "bool": "bool"}
SHORT_OF = {v: k for k, v in SHORT.items()}


def make_input(dtname, layout):
    if layout == "e0":
        return torch.empty(0, dtype=DTYPES[dtname]), None
    shape, strides, offset = LAYOUTS[layout]
    base = storage_values(DTYPES[dtname]).clone()
    return base.as_strided(shape, strides, offset), base


def ints(args):
    return [int(a) for a in args]


def opt(a):
    return None if a == "None" else int(a)


def run_op(x, op):
    name, *args = op.split()
    if name == "view":
        return x.view(*ints(args)) if args else x.view(())
    if name == "reshape":
        return x.reshape(*ints(args)) if args else x.reshape(())
    if name == "view_dtype":
        return x.view(DTYPES[args[0]])
    if name == "t":
        return x.t()
    if name == "transpose":
        return x.transpose(*ints(args))
    if name == "permute":
        return x.permute(*ints(args))
    if name == "flatten":
        return x.flatten(*ints(args))
    if name == "unflatten":
        return x.unflatten(int(args[0]), tuple(ints(args[1:])))
    if name == "squeeze":
        return x.squeeze()
    if name == "squeeze_dim":
        return x.squeeze(int(args[0]))
    if name == "unsqueeze":
        return x.unsqueeze(int(args[0]))
    if name == "expand":
        return x.expand(*ints(args))
    if name == "broadcast_to":
        return x.broadcast_to(tuple(ints(args)))
    if name == "select":
        return x.select(*ints(args))
    if name == "slice":
        d, start, stop, step = int(args[0]), opt(args[1]), opt(args[2]), int(args[3])
        if step <= 0:  # Python's slice rules: the ValueError comes from indexing
            idx = (slice(None),) * max(d, 0) + (slice(start, stop, step),)
            return x[idx if d > 0 else idx[0]]
        return torch.ops.aten.slice(x, d, start, stop, step)
    if name == "narrow":
        return x.narrow(*ints(args))
    if name == "diagonal":
        o, d1, d2 = ints(args)
        return x.diagonal(o, d1, d2)
    if name == "repeat":
        return x.repeat(*ints(args))
    if name == "split":
        return list(x.split(int(args[0]), int(args[1])))
    if name == "chunk":
        return list(x.chunk(int(args[0]), int(args[1])))
    if name == "as_strided":
        v = ints(args)
        off, rest = v[0], v[1:]
        n = len(rest) // 2
        return x.as_strided(rest[:n], rest[n:], off)
    raise ValueError(op)


def describe(r, base):
    shares = base is not None and r.storage().data_ptr() == base.storage().data_ptr()
    head = " ".join([
        str(r.dtype).replace("torch.", ""),
        "[" + ",".join(str(s) for s in r.shape) + "]",
        "[" + ",".join(str(s) for s in r.stride()) + "]",
        str(r.storage_offset()),
        "1" if r.is_contiguous() else "0",
        "1" if shares else "0",
    ])
    # A view's values follow from its geometry and the shared storage: only copies list theirs.
    return [head, "" if shares else " ".join(flat_values(r))]


def result_lines(fn, base):
    try:
        r = fn()
    except Exception as e:  # noqa: BLE001 - the message is the golden value
        return [f"ERR {type(e).__name__}: {e}"]
    rs = r if isinstance(r, list) else [r]
    out = [f"OK {len(rs)}"]
    for t in rs:
        out.extend(describe(t, base))
    return out


def main():
    out = []
    inputs = {}
    for dt in DTYPES:
        out.append(f"@@ storage {dt}")
        out.append(" ".join(flat_values(storage_values(DTYPES[dt]))))
        for layout in list(LAYOUTS) + ["e0"]:
            name = f"{SHORT_OF[dt]}:{layout}"
            inputs[name] = make_input(dt, layout)
    for layout, (shape, strides, offset) in LAYOUTS.items():
        out.append(f"@@ layout {layout}")
        out.append("|".join([",".join(map(str, shape)), ",".join(map(str, strides)), str(offset)]))
    for layout in LAYOUTS:
        if layout in ("sqt", "col", "cl", "cl1"):  # inputs for cat/stack only
            continue
        x, base = inputs[f"f32:{layout}"]
        for op in OPS_ALL:
            out.append(f"@@ f32:{layout}|{op}")
            out.extend(result_lines(lambda: run_op(x, op), base))
    for dt in DTYPES:
        if dt == "float32":
            continue
        for layout in ("c34", "t34", "step", "exp") if dt in ("float16", "bfloat16", "bool") else ("c34", "step"):
            name = f"{SHORT_OF[dt]}:{layout}"
            x, base = inputs[name]
            for op in OPS_DTYPES:
                out.append(f"@@ {name}|{op}")
                out.extend(result_lines(lambda: run_op(x, op), base))
    for spec in MULTI:
        name, dim, *names = spec.split()
        ts = [inputs[n][0] for n in names]
        fn = (lambda: torch.cat(ts, int(dim))) if name == "cat" else (lambda: torch.stack(ts, int(dim)))
        out.append(f"@@ multi|{spec}")
        out.extend(result_lines(fn, inputs[names[0]][1] if names else None))
    # what expand() prints for each dtype
    for dt in DTYPES:
        x = torch.zeros(2, 3, dtype=DTYPES[dt])
        out.append(f"@@ {SHORT_OF[dt]}:c34|expand 3")
        out.extend(result_lines(lambda: storage_values(DTYPES[dt]).as_strided((3, 4), (4, 1)).expand(3), None))
    with open(os.path.join(HERE, "view.txt"), "w") as f:
        f.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
