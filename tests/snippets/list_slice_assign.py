a = list(range(10))
a[2:5] = ["a", "b"]
print(a)
a[:0] = [-1]
print(a)
a[::3] = [0, 0, 0, 0]
print(a)
del a[::2]
print(a)
del a[1:3]
print(a)
a[len(a):] = [8, 9]
print(a)
b = [1, 2, 3]
b[1:2] = []
print(b)
c = [0] * 5
c[1::2] = "xy"
print(c)
