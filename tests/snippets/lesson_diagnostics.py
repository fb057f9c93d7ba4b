# Watching a run in d = 1000 dimensions: the iterates are too big to look at, so we track
# four numbers per step instead: L(w_k), the gap L(w_k) - L*, ||grad L(w_k)|| and |L(w_k+1) - L(w_k)|.
import torch

torch.manual_seed(0)
d = 1000
eta = 0.5
w = torch.randn(d, dtype=torch.float64, requires_grad=True)
L_star = 0.0                      # L(w) = 1/2 ||w||^2 has its minimum 0 at w = 0

previous = None
for k in range(31):
    loss = 0.5 * (w * w).sum()
    loss.backward()
    value = loss.item()
    grad_norm = w.grad.norm().item()
    if k % 5 == 0:
        plateau = "" if previous is None else f"  plateau={abs(value - previous):.4e}"
        print(f"k={k:2d}  L={value:.4e}  gap={value - L_star:.4e}  |grad|={grad_norm:.4e}{plateau}")
    previous = value
    with torch.no_grad():
        w -= eta * w.grad
    w.grad.zero_()

print("w has", w.numel(), "entries; we printed 4 numbers per step instead")
