import torch
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = x * 3
snap = y.detach().clone()
print(snap.data_ptr() == y.data_ptr(), snap.requires_grad, snap.is_leaf, snap.grad_fn)
snap += 1
print(y, snap)
w = x.detach().clone().requires_grad_(True)
print(w.is_leaf, w.requires_grad, w.data_ptr() == x.data_ptr())
(w * w).sum().backward()
print(w.grad, x.grad)
history = []
for k in range(3):
    with torch.no_grad():
        x.add_(1.0)
    history.append(x.detach().clone())
print(history)
