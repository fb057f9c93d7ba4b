# The gradient of a 2-D loss by autodiff, checked against central finite differences.
import torch


def rosenbrock(w):
    return (1 - w[0]) ** 2 + 100 * (w[1] - w[0] ** 2) ** 2


w = torch.tensor([-1.2, 1.0], dtype=torch.float64, requires_grad=True)
loss = rosenbrock(w)
loss.backward()          # reverse mode: fills w.grad with the vector of partials
g = w.grad

print(f"L(w)        = {loss.item():.4f}")
print(f"grad L(w)   = ({g[0].item():.4f}, {g[1].item():.4f})")
print(f"||grad L||  = {g.norm().item():.4f}")

# Each partial derivative again, from loss values only: (L(w + h e_i) - L(w - h e_i)) / 2h.
h = 1e-6
fd = torch.zeros(2, dtype=torch.float64)
with torch.no_grad():
    for i in range(2):
        e = torch.zeros(2, dtype=torch.float64)
        e[i] = h
        fd[i] = (rosenbrock(w + e) - rosenbrock(w - e)) / (2 * h)
print(f"finite diff = ({fd[0].item():.4f}, {fd[1].item():.4f})")
print("autodiff and finite differences agree:", torch.allclose(g, fd, rtol=1e-6, atol=1e-6))

# At the minimizer w* = (1, 1) the gradient vanishes: a stationary point.
w_star = torch.tensor([1.0, 1.0], dtype=torch.float64, requires_grad=True)
rosenbrock(w_star).backward()
print("grad at w* =", w_star.grad.tolist())
