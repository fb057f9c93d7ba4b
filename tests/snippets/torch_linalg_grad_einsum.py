# einsum with an ellipsis (broadcast batch dims) is differentiated like any other equation.
import torch
torch.manual_seed(0)
a = torch.randn(2, 3, 4, dtype=torch.float64, requires_grad=True)
b = torch.randn(4, 5, dtype=torch.float64, requires_grad=True)
c = torch.randn(3, 1, 5, dtype=torch.float64, requires_grad=True)
for eq, ops in [('...ij,jk->...ik', (a, b)), ('...ij,jk', (a, b)), ('b...,...->b', (a, a)), ('...k,...k->...', (a, a)),
                ('...ij,jk->...ik', (a, b)), ('i...->...', (b,)), ('...', (a,)), ('...ik,a...k->...', (a, c.transpose(1, 2)))]:
    for t in (a, b, c): t.grad = None
    try:
        r = torch.einsum(eq, *ops)
    except RuntimeError as e:
        print(eq, 'RuntimeError', e); continue
    print(eq, tuple(r.shape), r.requires_grad)
    (r * r).sum().backward()
    print([None if t.grad is None else round(t.grad.sum().item(), 8) for t in (a, b, c)])
