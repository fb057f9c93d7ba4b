a = 10
a += 1; print(a)
a -= 2; print(a)
a *= 3; print(a)
a /= 4; print(a)
a //= 2; print(a)
a **= 2; print(a)
a %= 5; print(a)
b = 6
b <<= 2; b |= 1; b &= 0b11101; b ^= 3; b >>= 1
print(b)
s = "ab"
s += "cd"
s *= 2
print(s)
l = [1]
l2 = l
l += [2, 3]
print(l, l2, l is l2)
t = (1,)
t += (2,)
print(t)
d = {"k": 1}
d["k"] += 10
print(d)
class C:
    pass
c = C()
c.n = 1
c.n += 41
print(c.n)
m = [[1, 2]]
m[0][1] *= 10
print(m)
