# The gradient is normal to the level set through w.
# L(x, y) = c1 x^2 + c2 y^2, the loss of the lecture's Figure 3.1.
import torch

c = torch.tensor([1.0, 0.2], dtype=torch.float64)


def L(w):
    return (c * w * w).sum()


w = torch.tensor([1.0, 1.0], dtype=torch.float64, requires_grad=True)
loss = L(w)
loss.backward()
g = w.grad
print(f"L(w) = {loss.item():.4f}")
print(f"grad = ({g[0].item():.4f}, {g[1].item():.4f})")

# Turn the gradient by 90 degrees and normalise it: a unit tangent t.
t = torch.stack([-g[1], g[0]]) / g.norm()
print(f"t = ({t[0].item():.4f}, {t[1].item():.4f})")
print(f"g.t = {abs(torch.dot(g, t).item()):.6f}")

# Along t the loss changes only to second order, along the gradient to first order.
with torch.no_grad():
    for eps in [0.1, 0.01, 0.001]:
        along_t = L(w + eps * t) - L(w)
        along_g = L(w + eps * g / g.norm()) - L(w)
        print(f"eps = {eps}: change along t {along_t.item():.2e}, along g {along_g.item():.2e}")
