from functools import reduce, partial, lru_cache
import itertools
from typing import List, Dict, Optional, Tuple
print(reduce(lambda a, b: a * b, [1, 2, 3, 4]), reduce(lambda a, b: a + b, [], 0))
pow2 = partial(pow, 2)
print(pow2(10), partial(int, base=2)("1011"))
@lru_cache(maxsize=None)
def fib(n: int) -> int:
    return n if n < 2 else fib(n - 1) + fib(n - 2)
print(fib(80))
def scale(xs: List[float], k: float = 2.0) -> Optional[List[float]]:
    return [k * x for x in xs]
print(scale([1.0, 2.5]))
print(list(itertools.product("ab", [0, 1])), list(itertools.product([1, 2], repeat=2)))
print(list(itertools.permutations([1, 2, 3], 2)), list(itertools.combinations("abcd", 2)))
print(list(itertools.chain([1, 2], (3,), "ab")), list(itertools.accumulate([1, 2, 3, 4])), list(itertools.islice(range(10), 2, 8, 2)))
print(list(itertools.zip_longest("abc", [1], fillvalue="-")), list(itertools.starmap(pow, [(2, 3), (3, 2)])), list(itertools.repeat("x", 3)))
print(list(itertools.accumulate([3, 1, 4], max)), list(itertools.pairwise([1, 2, 3])))
