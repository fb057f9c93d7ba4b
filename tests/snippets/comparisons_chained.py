print(1 < 2 < 3, 1 < 3 < 2, 3 > 2 > 1, 1 == 1.0, 1 != 2)
x = 5
print(0 <= x < 10, 0 <= x < 5, x == 5 == 5.0)
print(None is None, None is not None, 1 in [1, 2], 3 not in [1, 2])
print("a" < "b", "abc" < "abd", "Z" < "a", "" < "a", "ab" < "abc")
print([1, 2] < [1, 3], [1, 2] < [1, 2, 0], (1, 2) == (1, 2), (1, "a") < (1, "b"))
print(2 < 2.5, 3.0 >= 3, -1 < -0.5)
print({1, 2} <= {1, 2, 3}, {1, 2} < {1, 2}, {1} == {1.0})
a = [1, 2]
b = [1, 2]
print(a == b, a is b, a is a)
