#!/usr/bin/python3
"""bench_figures_matplotlib.py OUTDIR [--format png|svg|pdf] [--dpi N] [--only NAME,...]

The matplotlib reference for the lecture's Figures 3.1 and 3.2, written from our reading of the
lecture's captions (section 2.7), the way its own scripts would draw them: the contours of
L(x, y) = x^2 + 0.2 y^2 with the gradient and the tangent at w = (1, 1) (Figure 3.1), and the unit
circle of directions with g/|g|, -g/|g|, an orthogonal and a positively correlated direction and
their dot products with g = (1, 1) (Figure 3.2). Same names, sizes, format and DPI as
`optbench export-figures`, so script/bench-figures.sh can time the two side by side.

Each run is a fresh process (as the lecture's scripts are), so the time includes importing
matplotlib, which is part of what a user waits for. Prints one line per written file.
"""
import argparse
import math
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def grad_is_normal_to_level_sets(path, fmt, dpi):
    c1, c2 = 1.0, 0.2
    w = np.array([1.0, 1.0])
    xs = np.linspace(-2, 2, 201)
    X, Y = np.meshgrid(xs, xs)
    Z = c1 * X**2 + c2 * Y**2
    g = np.array([2 * c1 * w[0], 2 * c2 * w[1]])
    t = np.array([-g[1], g[0]]) / np.linalg.norm(g)
    gu = g / np.linalg.norm(g)
    fig, ax = plt.subplots(figsize=(4.8, 5.0))
    cs = ax.contour(X, Y, Z, levels=np.arange(0.5, 4.6, 0.5), colors="0.4", linewidths=0.8)
    ax.clabel(cs, inline=True, fontsize=8)
    ax.contour(X, Y, Z, levels=[c1 * w[0] ** 2 + c2 * w[1] ** 2], colors="tab:green", linewidths=1.4)
    ax.annotate("", xy=w + 0.6 * gu, xytext=w, arrowprops=dict(arrowstyle="-|>", color="tab:orange", lw=2))
    ax.annotate("", xy=w + 0.6 * t, xytext=w, arrowprops=dict(arrowstyle="-|>", color="tab:blue", lw=2))
    ax.text(*(w + 0.65 * gu), rf"$\nabla L(w) = ({g[0]:g}, {g[1]:g})$", color="tab:orange")
    ax.text(*(w + 0.65 * t), "tangent", color="tab:blue")
    ax.plot(*w, "ko", ms=6)
    ax.text(w[0] - 0.15, w[1], "$w$", ha="right")
    ax.set_aspect("equal")
    ax.set_xlabel("$x$")
    ax.set_ylabel("$y$")
    ax.set_title("Gradient is orthogonal to level sets\n" r"$L(x, y) = x^2 + 0.2y^2$")
    ax.grid(True, alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, format=fmt, dpi=dpi)
    plt.close(fig)


def steepest_descent_unit_circle(path, fmt, dpi):
    g = np.array([1.0, 1.0])
    gu = g / np.linalg.norm(g)
    a = math.radians(30)
    dirs = [
        (gu, r"$\nabla L/\|\nabla L\|$", "tab:orange"),
        (-gu, r"$-\nabla L/\|\nabla L\|$", "tab:blue"),
        (np.array([-gu[1], gu[0]]), "orthogonal", "tab:pink"),
        (np.array([gu[0] * math.cos(a) - gu[1] * math.sin(a), gu[0] * math.sin(a) + gu[1] * math.cos(a)]),
         "positive corr", "goldenrod"),
    ]
    th = np.linspace(0, 2 * np.pi, 361)
    fig, ax = plt.subplots(figsize=(5.3, 5.3))
    ax.plot(np.cos(th), np.sin(th), "k-", lw=1.2)
    for d, name, color in dirs:
        ax.annotate("", xy=d, xytext=(0, 0), arrowprops=dict(arrowstyle="-|>", color=color, lw=2))
        ax.text(*(1.2 * d), f"{name}\n" + rf"$g^\top\Delta = {g @ d:.2f}$", color=color, ha="center", va="center")
    ax.plot(0, 0, "ko", ms=4)
    ax.text(0, -1.45, r"minimize $g^\top\Delta$ s.t. $\|\Delta\| = 1 \Rightarrow \Delta = -g/\|g\|$", ha="center")
    ax.set_xlim(-1.6, 1.6)
    ax.set_ylim(-1.6, 1.6)
    ax.set_aspect("equal")
    ax.set_xlabel(r"$\Delta_1$")
    ax.set_ylabel(r"$\Delta_2$")
    ax.set_title("Steepest descent direction on the unit circle")
    ax.grid(True, alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, format=fmt, dpi=dpi)
    plt.close(fig)


FIGURES = {
    "grad_is_normal_to_level_sets": grad_is_normal_to_level_sets,
    "steepest_descent_unit_circle": steepest_descent_unit_circle,
}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("outdir")
    p.add_argument("--format", default="png", choices=["png", "svg", "pdf"])
    p.add_argument("--dpi", type=float, default=200)
    p.add_argument("--only", default=",".join(FIGURES))
    args = p.parse_args()
    os.makedirs(args.outdir, exist_ok=True)
    for name in args.only.split(","):
        if name not in FIGURES:
            print(f"unknown figure {name}", file=sys.stderr)
            return 2
        path = os.path.join(args.outdir, f"{name}.{args.format}")
        FIGURES[name](path, args.format, args.dpi)
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
