# L(w) = 1/2 ||w||^2 in d dimensions: reverse-mode autodiff hands back w itself.
import torch

torch.manual_seed(0)
for d in [1, 10, 1000, 100000]:
    w = torch.randn(d, requires_grad=True)
    loss = 0.5 * (w ** 2).sum()
    loss.backward()                      # one backward pass, whatever d is
    same = torch.equal(w.grad, w.detach())
    gap = (w.grad - w.detach()).abs().max().item()
    print(f"d = {d:6d}   L(w)/d = {loss.item() / d:.3f}   grad == w: {same}   max |grad - w| = {gap}")

# The first components side by side: the gradient is w, number for number.
w = torch.randn(5, requires_grad=True)
(0.5 * (w ** 2).sum()).backward()
print([round(x, 4) for x in w.tolist()])
print([round(x, 4) for x in w.grad.tolist()])
