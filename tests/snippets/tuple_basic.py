t = (1, 2, 3)
print(t, t[0], t[-1], t[1:], len(t), 2 in t)
print((1,), (), tuple([4, 5]), tuple("ab"), (1, 2) + (3,), (0,) * 3)
print(t.index(2), t.count(3), (1, 2) == (1, 2), (1, 2) < (1, 3))
a, b, c = t
print(a, b, c)
x = 1, 2
print(x, type(x))
nested = ((1, 2), (3, (4, 5)))
print(nested[1][1][0], hash((1, 2)) == hash((1, 2)))
print(tuple(i * i for i in range(4)))
