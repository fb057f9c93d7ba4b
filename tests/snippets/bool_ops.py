print(True and False, True or False, not True, not 0, not "")
print(1 and 2, 0 and 2, 1 or 2, 0 or 2, "" or "default", None or 0)
print([] or [1], [0] and "yes", {} or None)
print(bool(0), bool(1), bool(-1), bool(0.0), bool(""), bool("a"), bool([]), bool([0]), bool(None), bool({}), bool(set()))
x = 5
print(x > 3 and x < 10, x > 3 and x > 10, not x == 5)
def side(v):
    print("side", v)
    return v
print(side(0) and side(1))
print(side(1) or side(2))
