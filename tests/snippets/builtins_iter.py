print(list(enumerate("abc")), list(enumerate([10, 20], start=1)))
print(list(zip([1, 2, 3], "ab")), list(zip()), list(zip([1], [2], [3])))
print(list(reversed([1, 2, 3])), list(reversed("abc")), list(reversed((1, 2))))
it = iter([1, 2, 3])
print(next(it), next(it), next(it), next(it, "done"))
print(list(map(str, [1, 2])), list(map(lambda a, b: a * b, [1, 2], [3, 4])))
print(list(filter(str.isdigit, "a1b2")), sorted(map(abs, [-3, 1, -2])))
keys = ["a", "b"]
vals = [1, 2]
print(dict(zip(keys, vals)))
for i, (a, b) in enumerate(zip("xy", "pq")):
    print(i, a, b)
e = enumerate(["z"])
print(next(e), type(e).__name__)
print(list(zip(*[(1, "a"), (2, "b")])))
