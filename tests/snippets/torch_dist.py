# torch.dist: the p-norm of a difference, broadcast, and its gradients for both sides.
import torch

a = torch.tensor([[1.0, -2.0, 3.0], [0.5, 0.0, -1.5]], requires_grad=True)
b = torch.tensor([0.5, 1.0, -1.0], requires_grad=True)
for p in (2, 1, 3, float("inf"), 0.5):
    d = torch.dist(a, b, p)
    print(p, d, d.grad_fn.name())
d = torch.dist(a, b)
d.backward()
print(a.grad)
print(b.grad)
print(a.dist(b, p=1).item(), torch.dist(torch.zeros(3), torch.zeros(3)))
z = torch.zeros(2, requires_grad=True)
torch.dist(z, torch.zeros(2)).backward()
print(z.grad)
