a = [1, 2, 3, 4, 5]
print(a[0], a[-1], a[1:3], a[::-1], a[::2], a[:-2])
a[0] = 10
print(a, len(a), 3 in a, 99 in a)
del a[1]
print(a)
b = a + [6, 7]
print(b, [0] * 3, [[0] * 2] * 2)
m = [[1, 2], [3, 4]]
m[1][0] = 30
print(m, m[1], m[1][1])
print(list(range(5)), list("abc"), [])
nested = [1, [2, [3, [4]]]]
print(nested, nested[1][1][1][0])
e = []
e.append(e)
print(e)
