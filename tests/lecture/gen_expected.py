#!/usr/bin/python3
"""Records what real PyTorch (Debian's python3-torch 1.13) prints for every ```python block of the
lecture's section 4 ("## 4." up to "## 5."), for tests/lecture/test-lecture.c.

The lecture is read from SOURCE_ROOT/../shared/lecture/optimization-and-pytorch-basics.md (it is not
copied into the project). For block NN (01, 02, ... in order of appearance) it writes
  expected/block-NN.out   its stdout, normalised (see below),
  expected/block-NN.meta  "sha256 HEX" of the block's source (the test notices a changed lecture),
                          "rc N" (exit status), "err LINE" (last non-empty stderr line, or empty)
                          and "volatile I,J,..." (0-based stdout lines that are normalised).

Normalisation (the test applies the same one to optbench's output): a stdout line is VOLATILE when
it differs between RUNS runs of the block (addresses such as data_ptr(), timings, unseeded random
numbers), or, for a block that calls torch.empty (uninitialised memory), when it belongs to a tensor
printout. In a volatile line every number becomes the token <N>, runs of spaces become one space
and a space after "[" is dropped (a tensor's column widths and sign padding follow its values). Deterministic lines are compared exactly.
Run from anywhere: /usr/bin/python3 tests/lecture/gen_expected.py [NN ...]  (default: every block)
"""
import hashlib
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
LECTURE = os.path.join(HERE, "..", "..", "..", "shared", "lecture", "optimization-and-pytorch-basics.md")
RUNS = 3
NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def blocks(text):
    """The ```python blocks between '## 4.' and '## 5.' (same rule as the C test)."""
    out, inside, cur, in_section = [], False, [], False
    for line in text.split("\n"):
        if not inside and line.startswith("## "):
            in_section = line.startswith("## 4.")
            continue
        if not in_section:
            continue
        if not inside and line.startswith("```python"):
            inside, cur = True, []
        elif inside and line.startswith("```"):
            inside = False
            out.append("".join(l + "\n" for l in cur))
        elif inside:
            cur.append(line)
    return out


def normalise(line):
    return re.sub(r" +", " ", NUMBER.sub("<N>", line)).replace("[ ", "[")


def run(src):
    env = dict(os.environ, PYTHONHASHSEED="0", PYTHONIOENCODING="utf-8")
    p = subprocess.run([sys.executable, "-"], input=src.encode(), env=env, capture_output=True,
                       timeout=600, cwd=HERE)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def main():
    with open(LECTURE, encoding="utf-8") as f:
        srcs = blocks(f.read())
    os.makedirs(os.path.join(HERE, "expected"), exist_ok=True)
    only = {int(a) for a in sys.argv[1:]}
    for i, src in enumerate(srcs, 1):
        if only and i not in only:
            continue
        runs = [run(src) for _ in range(RUNS)]
        rc, out, err = runs[0]
        lines = out.split("\n")
        volatile = set()
        for _, o, _ in runs[1:]:
            other = o.split("\n")
            if len(other) != len(lines):
                sys.exit("block %02d: the number of output lines varies between runs" % i)
            volatile |= {k for k in range(len(lines)) if lines[k] != other[k]}
        if "torch.empty(" in src:
            volatile |= {k for k, l in enumerate(lines) if re.search(r"tensor\(|^\s+\[", l)}
        norm = "\n".join(normalise(l) if k in volatile else l for k, l in enumerate(lines))
        errs = [l for l in err.splitlines() if l.strip()]
        base = os.path.join(HERE, "expected", "block-%02d" % i)
        with open(base + ".out", "w", encoding="utf-8") as f:
            f.write(norm)
        with open(base + ".meta", "w", encoding="utf-8") as f:
            f.write("sha256 %s\n" % hashlib.sha256(src.encode()).hexdigest())
            f.write("rc %d\n" % rc)
            f.write("err %s\n" % (errs[-1] if errs and rc != 0 else ""))
            f.write("volatile %s\n" % ",".join(str(k) for k in sorted(volatile)))
        print("block %02d rc %d volatile %s" % (i, rc, sorted(volatile)))


if __name__ == "__main__":
    main()
