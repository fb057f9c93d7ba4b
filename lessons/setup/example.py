# Gradient descent in one dimension, as in lecture 1: L(w) = a (w - c)^2.
# Autograd gives L'(w); the update is w <- w - eta * L'(w).
import torch

a, c = 1.0, 1.0
w0, eta, steps = 3.0, 0.1, 8

w = torch.tensor(w0, requires_grad=True)
for k in range(steps):
    loss = a * (w - c) ** 2
    loss.backward()
    print(f"k={k}  w={w.item():.4f}  L={loss.item():.6f}  |L'|={w.grad.abs().item():.4f}")
    with torch.no_grad():
        w -= eta * w.grad
    w.grad.zero_()

# The closed form of the iterates: w_k = c + (1 - 2 a eta)^k (w0 - c)
closed = c + (1 - 2 * a * eta) ** steps * (w0 - c)
print(f"after {steps} steps: w={w.item():.4f}  closed form {closed:.4f}")
