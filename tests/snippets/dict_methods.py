d = {"a": 1, "b": 2}
print(d.get("a"), d.get("z"), d.get("z", 0))
print(d.setdefault("c", 3), d.setdefault("a", 100), d)
print(d.pop("a"), d.pop("zz", "none"), d)
d.update({"x": 9}, y=8)
d.update([("w", 7)])
print(d)
print(d.popitem(), d)
c = d.copy()
c["new"] = 1
print(d, c)
print(dict.fromkeys(["a", "b"]), dict.fromkeys("xy", 0))
c.clear()
print(c, len(c))
counts = {}
for ch in "mississippi":
    counts[ch] = counts.get(ch, 0) + 1
print(counts)
print(sorted(counts, key=counts.get, reverse=True))
