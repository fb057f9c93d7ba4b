# Jensen's inequality along a segment:
#     L(theta*w1 + (1-theta)*w2) <= theta*L(w1) + (1-theta)*L(w2)
# holds for every pair w1, w2 and every theta in [0, 1] exactly when L is convex.
import torch


def half_norm(w):            # convex: 1/2 ||w||^2
    return 0.5 * (w * w).sum()


def double_well(w):          # nonconvex: two valleys at w = (-1, 0) and (1, 0)
    return (w[0] ** 2 - 1) ** 2 + 0.5 * w[1] ** 2


def check(name, L, w1, w2):
    print(name)
    worst = 0.0
    for theta in torch.linspace(0, 1, 5).tolist():
        w_theta = theta * w1 + (1 - theta) * w2
        left = L(w_theta).item()
        chord = theta * L(w1).item() + (1 - theta) * L(w2).item()
        ok = left <= chord + 1e-12
        worst = max(worst, left - chord)
        print(f"  theta={theta:.2f}  L(w_theta)={left:8.4f}  chord={chord:8.4f}  holds={ok}")
    print(f"  largest violation: {max(worst, 0.0):.4f}")


w1 = torch.tensor([-1.0, 0.0], dtype=torch.float64)
w2 = torch.tensor([1.0, 0.0], dtype=torch.float64)
check("half_norm", half_norm, w1, w2)
check("double_well", double_well, w1, w2)

# For 1/2 ||w||^2 the gap is known in closed form:
#     chord - L(w_theta) = theta (1 - theta) ||w1 - w2||^2 / 2
theta = 0.3
a = torch.tensor([1.2, -0.7], dtype=torch.float64)
b = torch.tensor([-0.4, 0.9], dtype=torch.float64)
gap = theta * half_norm(a) + (1 - theta) * half_norm(b) - half_norm(theta * a + (1 - theta) * b)
closed = 0.5 * theta * (1 - theta) * ((a - b) ** 2).sum()
print(f"gap={gap.item():.6f}  closed form={closed.item():.6f}")
