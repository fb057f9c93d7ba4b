#!/usr/bin/python3
"""Regenerates the expected outputs of the runner's snippet corpus from real CPython (+ PyTorch).

For every tests/snippets/NAME.py it runs `/usr/bin/python3 NAME.py` in this directory and writes
  NAME.out  the exact stdout,
  NAME.err  the last line of stderr (the exception line of the traceback), only when it failed,
  NAME.rc   the exit status, only when it is not 0.
Run it from anywhere: /usr/bin/python3 tests/snippets/regenerate.py [NAME ...]
"""
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def regenerate(name):
    env = dict(os.environ, PYTHONHASHSEED="0", PYTHONIOENCODING="utf-8")
    proc = subprocess.run([sys.executable, name + ".py"], cwd=HERE, env=env, capture_output=True, timeout=120)
    with open(os.path.join(HERE, name + ".out"), "wb") as f:
        f.write(proc.stdout)
    for ext in (".err", ".rc"):
        path = os.path.join(HERE, name + ext)
        if os.path.exists(path):
            os.remove(path)
    if proc.returncode != 0:
        lines = [l for l in proc.stderr.decode("utf-8").splitlines() if l.strip()]
        with open(os.path.join(HERE, name + ".err"), "w") as f:
            f.write((lines[-1] if lines else "") + "\n")
        with open(os.path.join(HERE, name + ".rc"), "w") as f:
            f.write("%d\n" % proc.returncode)
    return proc.returncode


def main():
    names = sys.argv[1:] or sorted(f[:-3] for f in os.listdir(HERE) if f.endswith(".py") and f != "regenerate.py")
    for name in names:
        rc = regenerate(name)
        print("%-40s %s" % (name, "ok" if rc == 0 else "exit %d" % rc))


if __name__ == "__main__":
    main()
