import torch
w = torch.tensor([1.0, 2.0], requires_grad=True)
y = (w * w).sum()
print(y.grad_fn.name(), w.grad_fn, y.grad_fn is not None)
nf = y.grad_fn.next_functions
print(len(nf), nf[0][0].name(), nf[0][1])
acc = nf[0][0].next_functions
print([(f.name(), i) for f, i in acc])
print(acc[0][0].variable)
m = w * torch.tensor([3.0, 4.0])
print(m.grad_fn._saved_other, (w * w).grad_fn._saved_self)
g, = torch.autograd.grad(y, [w])
print(g)
g, = torch.autograd.grad((w ** 3).sum(), w, create_graph=True)
print(g, g.grad_fn.name())
z = w * 2
z.retain_grad()
print(z.retains_grad, w.retains_grad)
torch.autograd.backward([z.sum()])
print(w.grad, z.grad)
a = torch.tensor(1.0, requires_grad=True)
b = torch.tensor(2.0, requires_grad=True)
print(torch.autograd.grad(a * 2, [a, b], allow_unused=True))
try:
    torch.autograd.grad(a * 2, [b])
except RuntimeError as e:
    print("RuntimeError", e)
