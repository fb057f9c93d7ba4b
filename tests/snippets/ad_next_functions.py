import torch
a = torch.tensor([1.0, 2.0], requires_grad=True)
b = torch.tensor([3.0, 4.0], requires_grad=True)
c = torch.tensor([5.0, 6.0])
y = (a * b + c).sum()
f = y.grad_fn
print(f.name())
add = f.next_functions[0][0]
print(add.name(), len(add.next_functions))
mul = add.next_functions[0][0]
print(mul.name(), add.next_functions[1])
print([(n.name(), i) for n, i in mul.next_functions])
print(mul.next_functions[0][0].variable is a, mul.next_functions[1][0].variable is b)
z = a * c
print([(n if n is None else n.name(), i) for n, i in z.grad_fn.next_functions])
