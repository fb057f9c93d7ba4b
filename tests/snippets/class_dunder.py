class Vec:
    def __init__(self, *c):
        self.c = list(c)
    def __repr__(self):
        return "Vec(" + ", ".join(str(x) for x in self.c) + ")"
    def __add__(self, o):
        return Vec(*[a + b for a, b in zip(self.c, o.c)])
    def __mul__(self, k):
        return Vec(*[a * k for a in self.c])
    def __rmul__(self, k):
        return self * k
    def __neg__(self):
        return Vec(*[-a for a in self.c])
    def __eq__(self, o):
        return isinstance(o, Vec) and self.c == o.c
    def __lt__(self, o):
        return sum(self.c) < sum(o.c)
    def __len__(self):
        return len(self.c)
    def __getitem__(self, i):
        return self.c[i]
    def __setitem__(self, i, v):
        self.c[i] = v
    def __contains__(self, v):
        return v in self.c
    def __call__(self, k):
        return self.c[k] * 100
    def __bool__(self):
        return any(self.c)
    def __iter__(self):
        return iter(self.c)
v = Vec(1, 2, 3)
w = Vec(4, 5, 6)
print(v + w, v * 2, 3 * v, -v, v == Vec(1, 2, 3), v != w, v < w, w > v)
print(len(v), v[1], v[-1], 2 in v, 9 in v, v(2), bool(v), bool(Vec(0, 0)))
v[0] = 10
print(v, list(v), [x for x in v], sorted([w, v]), max(v))
class Countdown:
    def __init__(self, n):
        self.n = n
    def __iter__(self):
        return self
    def __next__(self):
        if self.n <= 0:
            raise StopIteration
        self.n -= 1
        return self.n + 1
print(list(Countdown(4)))
for k in Countdown(2):
    print("tick", k)
class Seq:
    def __getitem__(self, i):
        if i >= 3:
            raise IndexError(i)
        return i * 10
print(list(Seq()))
