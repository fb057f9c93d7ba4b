import torch
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = torch.stack([x[0] * x[1], x[1] * x[2], x[0] ** 2 + x[2]])
rows = []
for i in range(3):
    e = torch.zeros(3)
    e[i] = 1.0
    if x.grad is not None:
        x.grad = None
    y.backward(e, retain_graph=True)
    rows.append(x.grad.clone())
J = torch.stack(rows)
print(J)
print(y.grad_fn.name())
