# nn.Linear / F.linear / torch.addmm record what PyTorch records; nn.Parameter prints as PyTorch's.
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
lin = nn.Linear(4, 3)
print(lin.weight)
print(lin.bias)
print(lin.weight.is_leaf, lin.weight.requires_grad, lin.weight.grad_fn)
print(lin.weight.data)
print(lin.weight.detach())
print(lin.weight * 2)
p = nn.Parameter(torch.ones(2))
print(p)
print(nn.Parameter(torch.zeros(2, 2), requires_grad=False))
print(p.is_leaf, p.requires_grad, type(p).__name__, type(p * 2).__name__)
for name, q in lin.named_parameters():
    print(name, q.shape)

def chain(t):
    out = []
    fn = t.grad_fn
    while fn is not None:
        out.append(fn.name())
        nxt = [f for f, _ in fn.next_functions if f is not None and f.name() != 'AccumulateGrad']
        fn = nxt[0] if nxt else None
    return ' -> '.join(out)

x2 = torch.randn(5, 4)
y = lin(x2)
print(y.grad_fn.name(), [(f.name() if f else None) for f, _ in y.grad_fn.next_functions])
print(y)
print(chain(lin(torch.randn(4))), lin(torch.randn(4)).shape)
print(chain(lin(torch.randn(2, 5, 4))))
print(chain(F.linear(x2, lin.weight)))
y.sum().backward()
print(lin.weight.grad)
print(lin.bias.grad)

a = torch.randn(3, requires_grad=True)
m1 = torch.randn(2, 4, requires_grad=True)
m2 = torch.randn(4, 3, requires_grad=True)
r = torch.addmm(a, m1, m2, beta=0.5, alpha=2)
print(r)
r.backward(torch.ones(2, 3))
print(a.grad, m1.grad, m2.grad, sep='\n')
print(torch.addmm(torch.zeros(2, 2, dtype=torch.float64), torch.eye(2, dtype=torch.float64), torch.ones(2, 2, dtype=torch.float64)))
print(torch.ones(2, 2).addmm(torch.ones(2, 3), torch.ones(3, 2)))
for f in (lambda: torch.addmm(a, torch.ones(3), m2),
          lambda: torch.addmm(a, m1, torch.ones(4)),
          lambda: torch.addmm(a, m1, torch.ones(3, 3)),
          lambda: torch.addmm(torch.ones(4), m1, m2),
          lambda: F.linear(torch.ones(2, 5), lin.weight),
          lambda: lin(torch.ones(5))):
    try:
        f()
    except RuntimeError as e:
        print('RuntimeError:', e)

class Affine(nn.Module):
    def __init__(self):
        super().__init__()
        self.scale = nn.Parameter(torch.tensor([2.0, -1.0]))
        self.inner = nn.Linear(2, 2, bias=False)
        self.shift = nn.Parameter(torch.zeros(2))
    def forward(self, x):
        return self.inner(x) * self.scale + self.shift
m = Affine()
print(m)
print([n for n, _ in m.named_parameters()], len(m.modules()) if isinstance(m.modules(), list) else len(list(m.modules())))
out = m(torch.ones(3, 2))
print(out.grad_fn.name(), chain(out))
