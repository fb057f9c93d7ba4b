a = [1, [2, 3]]
b = [1, [2, 3]]
print(a == b, a is b, a[1] == b[1], a != b)
print({"a": [1]} == {"a": [1]}, {1: 2} == {1: 3}, (1, 2) == [1, 2], "1" == 1)
print(None == None, None is None, 0 == False, 1 == True, 0.0 == -0.0, float("nan") == float("nan"))
x = y = []
print(x is y, x == [], [] is [])
print(1 == 1.0, 2 ** 53 == float(2 ** 53), {1, 2} == {2, 1}, range(3) == range(0, 3))
