x = "outer"
squares = [x * 2 for x in range(3)]
print(x, squares)
fns = [lambda: i for i in range(3)]
print([f() for f in fns])
fns2 = [lambda i=i: i for i in range(3)]
print([f() for f in fns2])
def f():
    y = 10
    return [y + k for k in range(3)]
print(f())
def g():
    total = 0
    data = [total + n for n in range(4)]
    return data, total
print(g())
