def f(x):
    try:
        r = 10 / x
    except ZeroDivisionError as e:
        print("caught:", e)
        return "zero"
    except TypeError:
        print("type error")
        return "type"
    else:
        print("no error")
        return r
    finally:
        print("finally for", x)
print(f(2))
print(f(0))
print(f("a"))
try:
    [][1]
except (KeyError, IndexError) as e:
    print(type(e).__name__, e, e.args)
try:
    {}["k"]
except LookupError as e:
    print("lookup", repr(e), str(e))
try:
    int("x")
except Exception as e:
    print(type(e).__name__, "-", e)
try:
    raise ValueError("one", 2)
except ValueError as e:
    print(e.args, str(e), repr(e))
try:
    pass
finally:
    print("bare finally")
