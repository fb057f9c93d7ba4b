s = {3, 1, 2}
print(s, len(s), 2 in s, 5 in s)
s.add(10)
s.add(1)
s.discard(99)
s.remove(3)
print(s)
a = {1, 2, 3, 4}
b = {3, 4, 5}
print(a | b, a & b, a - b, a ^ b)
print(a.union(b), a.intersection(b), a.difference(b), a.symmetric_difference(b))
print({1, 2} <= a, a >= {1}, a.issubset({1}), {1, 2}.isdisjoint({3}))
print(set(), set([3, 3, 1]), set(range(5)), {x % 3 for x in range(10)})
print(sorted({5, 3, 9}), {100, 200, 1, 64, 9, 17})
print({-1, -2, 0, 8, 16, 33}, set([1.5, 2, 2.0]))
e = set()
e.update([1, 2], (3,))
print(e, e.pop(), e)
