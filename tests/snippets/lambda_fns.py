sq = lambda x: x * x
print(sq(7), (lambda a, b=2: a ** b)(3), (lambda *a: len(a))(1, 2, 3))
print(list(map(lambda x: x + 1, [1, 2, 3])), list(filter(lambda x: x % 2, range(10))))
print(list(map(pow, [2, 3], [3, 2])), list(filter(None, [0, 1, "", "a", None])))
pairs = [(3, "c"), (1, "a"), (2, "b")]
print(sorted(pairs, key=lambda p: -p[0]))
compose = lambda f, g: lambda x: f(g(x))
print(compose(sq, lambda x: x + 1)(3))
