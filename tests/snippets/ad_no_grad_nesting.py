import torch
x = torch.tensor([1.0, 2.0], requires_grad=True)
print(torch.is_grad_enabled())
with torch.no_grad():
    print(torch.is_grad_enabled())
    a = x * 2
    with torch.enable_grad():
        print(torch.is_grad_enabled())
        b = x * 2
    c = x * 2
    print(torch.is_grad_enabled())
print(torch.is_grad_enabled())
print(a.requires_grad, a.grad_fn, a.is_leaf)
print(b.requires_grad, b.grad_fn.name(), b.is_leaf)
print(c.requires_grad, c.grad_fn)
with torch.set_grad_enabled(False):
    d = x + 1
    print(torch.is_grad_enabled())
print(d.requires_grad, torch.is_grad_enabled())
torch.set_grad_enabled(False)
e = x + 1
torch.set_grad_enabled(True)
f = x + 1
print(e.requires_grad, f.requires_grad)
