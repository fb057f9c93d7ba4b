total = 0.0
for i in range(1, 10001):
    total += 1.0 / (i * i)
print(total)
acc = 0
for i in range(100000):
    acc = (acc * 31 + i) % 1000003
print(acc)
xs = [0.5 * k for k in range(1000)]
s = 0.0
for v in xs:
    s += v * v
print(s)
mean = sum(xs) / len(xs)
var = sum((v - mean) ** 2 for v in xs) / (len(xs) - 1)
print(mean, var)
