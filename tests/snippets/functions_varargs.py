def f(*args, **kwargs):
    return args, kwargs
print(f(), f(1, 2), f(a=1), f(1, b=2, c=3))
def g(a, b=2, *rest, key="k", **extra):
    print(a, b, rest, key, extra)
g(1)
g(1, 2, 3, 4, key="z", q=5)
args = [10, 20]
kw = {"key": "K", "w": 1}
g(*args, **kw)
g(*range(4))
def total(*nums):
    return sum(nums)
print(total(), total(1, 2, 3), total(*[4, 5]))
def kwonly(*, x, y=1):
    return x - y
print(kwonly(x=5), kwonly(y=3, x=1))
