import random
for s in [0, 1, 12345678901, -5, 2**32, 2**40 + 3]:
    random.seed(s)
    print(s, random.random(), random.randint(0, 10**9))
random.seed(7)
a = [random.random() for _ in range(2)]
random.seed(7)
b = [random.random() for _ in range(2)]
print(a == b)
random.seed(123)
print(random.sample(range(1000), 30))
deck = [f"{r}{s}" for s in "SH" for r in "A23"]
random.seed(99)
random.shuffle(deck)
print(deck)
