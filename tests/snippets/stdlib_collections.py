from collections import defaultdict, Counter, deque, namedtuple, OrderedDict
d = defaultdict(list)
for word in ["apple", "avocado", "banana", "blueberry", "cherry"]:
    d[word[0]].append(word)
print(d["a"], d["z"], len(d), sorted(d), dict(d.items()) == {"a": ["apple", "avocado"], "b": ["banana", "blueberry"], "c": ["cherry"], "z": []})
counts = defaultdict(int)
for ch in "hello world":
    counts[ch] += 1
print(counts["l"], counts["o"], counts["q"], d)
c = Counter("mississippi")
print(c, c["s"], c["x"], c.most_common(2))
c.update("sip")
print(c.most_common(3), c.total())
q = deque([1, 2, 3], maxlen=4)
q.append(4)
q.append(5)
q.appendleft(0)
print(q, q.popleft(), q.pop(), len(q), list(q))
Point = namedtuple("Point", ["x", "y"])
p = Point(1, y=2)
print(p, p.x, p[1], tuple(p), p == (1, 2), p._asdict(), p._replace(x=10))
x, y = p
print(x + y)
od = OrderedDict()
od["b"] = 1
od["a"] = 2
print(od, list(od), OrderedDict())
