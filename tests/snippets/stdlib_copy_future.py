from __future__ import annotations
import copy
a = [[1, 2], {"k": [3]}]
b = copy.copy(a)
c = copy.deepcopy(a)
a[0].append(99)
a[1]["k"].append(4)
print(a, b, c, b[0] is a[0], c[0] is a[0])
def f(x: int) -> list[int]:
    return [x] * 2
print(f(3), copy.copy({1, 2}), copy.deepcopy((1, [2])))
