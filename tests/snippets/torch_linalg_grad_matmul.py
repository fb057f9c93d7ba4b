# matmul with autograd records ATen's decomposition (fold into mm/mv, or expand + bmm) node for node.
import torch

def tree(fn, d=0):
    if fn is None or d > 6:
        return
    print('  ' * d + fn.name())
    for f, _ in fn.next_functions:
        tree(f, d + 1)

torch.manual_seed(0)
cases = [((2, 3, 4), (4, 5)), ((2, 3, 4), (4,)), ((3,), (2, 3, 4)), ((5, 3), (2, 3, 4)),
         ((2, 3, 4), (2, 4, 5)), ((7, 1, 3, 4), (2, 4, 5)), ((4,), (4, 2))]
for sa, sb in cases:
    a = torch.randn(*sa, requires_grad=True)
    b = torch.randn(*sb, requires_grad=True)
    r = a @ b
    print(sa, sb, tuple(r.shape))
    tree(r.grad_fn)
    r.backward(torch.ones_like(r))
    print(a.grad.sum(), b.grad.sum())
# a transposed batch is not folded (bmm), a batch of a non-leaf folds through reshape
t = torch.randn(2, 4, 3, requires_grad=True)
r = t.transpose(1, 2) @ torch.randn(4, 5)
tree(r.grad_fn)
r = torch.matmul((t * 2).transpose(0, 1), torch.randn(3, 2, dtype=torch.float32))
tree(r.grad_fn)
r.sum().backward()
print(t.grad)
# float64 values through the folded path
x = torch.arange(24.0, dtype=torch.float64).view(2, 3, 4).requires_grad_()
w = torch.linspace(-1, 1, 8, dtype=torch.float64).view(4, 2).requires_grad_()
y = (x @ w).pow(2).sum()
y.backward()
print(y, x.grad[1], w.grad)
for f in (lambda: torch.randn(2, 3, 4, requires_grad=True) @ torch.randn(5, 2),
          lambda: torch.randn(2, 3, 4, requires_grad=True) @ torch.randn(3, 5, 2),
          lambda: torch.randn(2, 3, 4, requires_grad=True) @ torch.randn(2, 3, 2)):
    try:
        f()
    except RuntimeError as e:
        print('RuntimeError:', e)
