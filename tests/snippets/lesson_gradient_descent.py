# Gradient descent on L(w) = w1^2 + 0.2 w2^2: autograd gives the gradient, we take the step.
import torch

def loss_fn(w):
    return w[0] ** 2 + 0.2 * w[1] ** 2

def run(eta, steps):
    w = torch.tensor([2.0, 2.0], dtype=torch.float64, requires_grad=True)
    start = loss_fn(w).item()
    for k in range(steps):
        loss = loss_fn(w)
        loss.backward()
        with torch.no_grad():
            w -= eta * w.grad          # w <- w - eta * grad L(w)
        w.grad.zero_()
        value = loss_fn(w).item()
        if value != value or value > 1e6 * max(start, 1.0):
            print(f"eta={eta}: diverged at iteration {k + 1}")
            return
        if (k + 1) % 10 == 0:
            print(f"eta={eta} k={k + 1:3d} L={value:.6f} w=({w[0].item():.4f}, {w[1].item():.4f})")

# The Hessian is diag(2, 0.4): lambda_max = 2, so steps below 2 / 2 = 1 converge.
run(0.1, 30)
run(0.9, 20)
run(1.1, 100)
