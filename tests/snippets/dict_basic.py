d = {"a": 1, "b": 2}
d["c"] = 3
print(d, d["a"], len(d), "b" in d, "z" in d)
d["a"] = 10
del d["b"]
print(d)
print(list(d), list(d.keys()), list(d.values()), list(d.items()))
print(d.keys(), d.values(), d.items())
for k in d:
    print(k, d[k])
for k, v in d.items():
    print(k, "->", v)
e = dict(x=1, y=2)
print(e, dict([("p", 1), ("q", 2)]), dict(zip("ab", [1, 2])), {})
print({1: "int", 1.5: "float", (1, 2): "tuple", None: "none", True: "bool"})
print({i: i * i for i in range(4)})
