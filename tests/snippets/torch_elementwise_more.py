import torch
x = torch.tensor([1, 5, 3])
y = torch.tensor([4, 2, 3])
print(x.eq(y), x.ne(3), x.lt(y), x.le(3), torch.gt(x, y), torch.ge(x, 3))
print(torch.maximum(x, y), x.minimum(y), torch.maximum(torch.tensor([1.0, float('nan')]), torch.tensor([2.0, 0.0])))
b = x > 2
c = y > 2
print(torch.logical_and(b, c), b.logical_or(c), torch.logical_not(x), b.logical_xor(c))
print(x & y, x | y, x ^ y, ~x, ~b, 3 & x, 6 | x, 1 ^ x)
print(torch.bitwise_and(x, 3), x.bitwise_or(y), torch.bitwise_xor(x, y), torch.bitwise_not(b))
f = torch.tensor([0.5, -1.5, 2.25])
print(f.neg(), torch.trunc(f), f.reciprocal(), torch.isnan(f / 0 * 0), torch.isinf(f / 0), f.isfinite())
print(torch.log1p(f.abs()), f.expm1(), f.abs().rsqrt(), torch.tan(f), torch.atan2(f, torch.ones(3)))
print(x.sub(y), torch.div(x, y), x.remainder(3), torch.floor_divide(x, 2), x.equal(x.clone()), torch.equal(x, y))
print(torch.result_type(x, 1.0), torch.promote_types(torch.int32, torch.float16), torch.result_type(x, y.double()))
try:
    ~f
except TypeError as e:
    print("TypeError", e)
except RuntimeError as e:
    print("RuntimeError", e)
print(torch.can_cast(torch.float32, torch.int32), torch.can_cast(torch.int32, torch.float16), torch.can_cast(torch.int8, torch.bool), torch.can_cast(torch.bool, torch.uint8), torch.can_cast(torch.float64, torch.float16))
