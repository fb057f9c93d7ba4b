# Second-order conditions with autograd: the gradient and the Hessian of
# Himmelblau's function, Newton's method to a stationary point, and the
# verdict from the Hessian's eigenvalues.
import torch


def L(w):
    return (w[0] ** 2 + w[1] - 11) ** 2 + (w[0] + w[1] ** 2 - 7) ** 2


def grad_and_hessian(w):
    w = w.detach().requires_grad_(True)
    # create_graph: the gradient keeps its graph, so it can be differentiated again
    (g,) = torch.autograd.grad(L(w), w, create_graph=True)
    rows = [torch.autograd.grad(g[i], w, retain_graph=True)[0] for i in range(2)]
    return g.detach(), torch.stack(rows)


def eigenvalues(H):                # H is symmetric: eigvalsh, in ascending order
    return torch.linalg.eigvalsh(H).tolist()


def verdict(g, lam):
    if g.norm().item() >= 1e-6:
        return "not stationary"
    if lam[0] > 0:
        return "strict local minimum"
    if lam[1] < 0:
        return "strict local maximum"
    if lam[0] < 0 < lam[1]:
        return "saddle point"
    return "inconclusive"


for start in ([2.5, 2.5], [-0.5, -0.5], [0.0, 3.0], [1.0, 1.0]):
    w = torch.tensor(start, dtype=torch.float64)
    for step in range(30):                       # Newton: w <- w - H^-1 grad
        g, H = grad_and_hessian(w)
        w = w - torch.linalg.solve(H, g)
    g, H = grad_and_hessian(w)
    lam = eigenvalues(H)
    print(f"from {start}: w = ({w[0].item():.4f}, {w[1].item():.4f})"
          f"  L = {L(w).item():.4f}")
    print(f"    eigenvalues ({lam[0]:.3f}, {lam[1]:.3f}): {verdict(g, lam)}")

w = torch.tensor([0.5, 0.5], dtype=torch.float64)
g, H = grad_and_hessian(w)
print(f"at (0.5, 0.5): |grad| = {g.norm().item():.3f}  {verdict(g, eigenvalues(H))}")
