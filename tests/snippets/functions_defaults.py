def greet(name, greeting="Hello", punct="!"):
    return f"{greeting}, {name}{punct}"
print(greet("Ann"), greet("Bob", "Hi"), greet("Cy", punct="?"), greet(greeting="Yo", name="Di"))
def append_to(x, lst=[]):
    lst.append(x)
    return lst
print(append_to(1), append_to(2))
def f(a, b, /, c, *, d=4):
    return a + b + c + d
print(f(1, 2, 3), f(1, 2, c=3, d=10))
def no_return():
    pass
print(no_return())
def multi():
    return 1, "two", [3]
print(multi())
print(greet.__name__, callable(greet))
