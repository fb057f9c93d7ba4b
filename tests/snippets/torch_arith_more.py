import torch
x = torch.tensor([1.0, 2.0, -3.0])
y = torch.tensor([0.5, -1.0, 4.0])
print(torch.add(x, y, alpha=2), x.sub(1, alpha=3), torch.sub(x, y), torch.mul(x, 3), torch.div(x, y))
w = x.clone()
w.add_(y, alpha=-0.1)
w.sub_(1, alpha=0.5)
print(w)
i = torch.tensor([-7, 7, 6])
print(torch.div(i, 2, rounding_mode='floor'), torch.div(i, 2, rounding_mode='trunc'), i.div(-4, rounding_mode='trunc'))
print(torch.div(x * 3.5, 2, rounding_mode='trunc'), x.div(y, rounding_mode='floor'), torch.div(i, 2))
print(torch.max(x, y), torch.min(x, y), torch.max(x))
print(x.type(), i.type(), x.type(torch.int32), x.half().type(), x.bfloat16(), i.short(), i.char().type(), i.byte())
print(torch.float32.is_floating_point, torch.int8.is_signed, torch.uint8.is_signed, torch.bool.is_signed, torch.int64.is_floating_point)
z = x.clone()
print(z.abs_(), z.sqrt_(), z.neg_(), z.exp_(), z.pow_(2), z.reciprocal_(), z.log_(), z.square_(), z.trunc_())
print(torch.tensor([0.5, -2.0]).relu_(), torch.tensor([0.5, -2.0]).sigmoid_(), torch.tensor([1.4, -2.6]).round_())
a = torch.arange(12).reshape(3, 4)
print(a.select(1, 2), torch.select(a, 0, -1), a.as_strided((2, 2), (1, 4)), torch.as_strided(a, (2,), (5,), 1))
print(torch.permute(a, (1, 0)).shape, torch.t(a).stride(), a.swapaxes(0, 1).shape, torch.swapdims(a, 0, 1).stride())
print(torch.broadcast_shapes((2, 1), (3,)), torch.broadcast_shapes((1, 4), (5, 1, 1), 4))
v = torch.tensor([1.0, 2.0], requires_grad=True)
h = v * 2
h.retain_grad()
h.sum().backward()
print(h.grad, v.grad, torch.detach(v).requires_grad)
u = torch.tensor([1.0], requires_grad=True)
u.detach_()
print(u.requires_grad)
try:
    torch.add(i, i, alpha=0.5)
except RuntimeError as e:
    print("RuntimeError", e)
try:
    torch.div(x, 2, rounding_mode='x')
except RuntimeError as e:
    print("RuntimeError", e)
try:
    torch.broadcast_shapes((2,), (3,))
except RuntimeError as e:
    print("RuntimeError", e)
try:
    a.select(2, 0)
except IndexError as e:
    print("IndexError", e)
try:
    x.type('torch.Foo')
except ValueError as e:
    print("ValueError", e)
print(x.max(y), x.min(torch.tensor(0.0)), x.max(), x.max(0).values)
