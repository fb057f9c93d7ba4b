a, b = 1, 2
a, b = b, a
print(a, b)
first, *rest = [1, 2, 3, 4]
print(first, rest)
*init, last = "abc"
print(init, last)
a, *mid, z = range(5)
print(a, mid, z)
(x, y), w = (1, 2), 3
print(x, y, w)
for i, (k, v) in enumerate([("a", 1), ("b", 2)]):
    print(i, k, v)
[p, q] = [10, 20]
print(p, q)
a = b = c = 0
print(a, b, c)
print(*[1, 2], *(3,), *"xy")
print([*range(3), *[7, 8]], (*"ab",), {*[1, 2], 3})
d1 = {"a": 1}
d2 = {"b": 2, "a": 0}
print({**d1, **d2}, {**d2, "c": 3})
