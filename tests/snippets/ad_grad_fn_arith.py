import torch
x = torch.tensor([0.5, 1.5, 2.5], requires_grad=True)
y = torch.tensor([2.0, 3.0, 4.0], requires_grad=True)
ops = [x + y, x - y, x * y, x / y, -x, x ** 2, x ** y, 2 ** x, x + 1, x * 3, 1 / x, 2.5 / x]
for t in ops:
    print(t.grad_fn.name())
print(torch.exp(x).grad_fn.name(), torch.log(x).grad_fn.name(), torch.sin(x).grad_fn.name())
print(torch.cos(x).grad_fn.name(), torch.tanh(x).grad_fn.name(), torch.sigmoid(x).grad_fn.name())
print(torch.relu(x).grad_fn.name(), torch.sqrt(x).grad_fn.name(), torch.abs(x).grad_fn.name())
print(x.exp().grad_fn.name(), x.clone().grad_fn.name(), x.pow(3).grad_fn.name())
