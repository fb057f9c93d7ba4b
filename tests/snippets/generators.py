def count_up(n):
    i = 0
    while i < n:
        yield i
        i += 1
print(list(count_up(5)), sum(count_up(101)))
def batches(data, size):
    for start in range(0, len(data), size):
        yield data[start:start + size]
for b in batches(list(range(7)), 3):
    print(b)
def squares(xs):
    yield from (x * x for x in xs)
    yield "done"
print(list(squares([1, 2, 3])))
gen = count_up(3)
print(next(gen), next(gen), next(gen), next(gen, "exhausted"))
def early(n):
    for i in range(n):
        if i == 2:
            return
        yield i
print(list(early(10)), type(count_up(1)).__name__)
pairs = dict((k, v) for k, v in zip("ab", range(2)))
print(pairs, max(x % 7 for x in range(20)))
