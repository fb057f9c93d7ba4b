def risky(n):
    if n == 0:
        raise ValueError("zero")
    return n
def wrapper(n):
    try:
        return risky(n)
    except ValueError:
        print("logging and re-raising")
        raise
try:
    wrapper(0)
except ValueError as e:
    print("outer got", e)
def fin():
    try:
        return "try"
    finally:
        print("finally runs before return")
print(fin())
def override():
    try:
        return 1
    finally:
        return 2
print(override())
try:
    try:
        1 / 0
    except ZeroDivisionError:
        raise KeyError("from handler")
except KeyError as e:
    print("second:", e)
for i in range(3):
    try:
        if i == 1:
            continue
        print("body", i)
    finally:
        print("cleanup", i)
try:
    raise TypeError("bad") from ValueError("cause")
except TypeError as e:
    print(e)
