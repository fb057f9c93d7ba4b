# Which unit direction makes the first-order model L(w) + g.D smallest?
import math
import torch


def L(w):
    return w[0] ** 2 + 0.2 * w[1] ** 2


w = torch.tensor([1.0, 1.0], dtype=torch.float64, requires_grad=True)
L(w).backward()
g = w.grad
print(f"g = ({g[0].item():.4f}, {g[1].item():.4f}), |g| = {g.norm().item():.4f}")

# g.D for unit directions D = (cos a, sin a), one every degree.
angles = torch.arange(360, dtype=torch.float64) * math.pi / 180
D = torch.stack([torch.cos(angles), torch.sin(angles)])
dots = g @ D
best = int(torch.argmin(dots).item())
print(f"smallest g.D = {dots[best].item():.4f} at {best} degrees")
descent = -g / g.norm()
angle = math.degrees(math.atan2(descent[1].item(), descent[0].item())) % 360
print(f"-g/|g| points at {angle:.1f} degrees, g.(-g/|g|) = {torch.dot(g, descent).item():.4f}")

# Along D, the error of the model L(w) + t g.D shrinks like t^2.
Dir = D[:, 150]
with torch.no_grad():
    for t in [0.1, 0.01, 0.001]:
        model = L(w) + t * torch.dot(g, Dir)
        error = abs((L(w + t * Dir) - model).item())
        print(f"t = {t}: error {error:.3e}, error / t^2 = {error / t ** 2:.4f}")
