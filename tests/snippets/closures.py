def make_counter():
    count = 0
    def inc():
        nonlocal count
        count += 1
        return count
    return inc
c1 = make_counter()
c2 = make_counter()
print(c1(), c1(), c1(), c2())
def make_adder(n):
    return lambda x: x + n
add5 = make_adder(5)
print(add5(10), make_adder(-1)(1))
def outer():
    x = 1
    def middle():
        def inner():
            return x * 100
        return inner()
    x = 2
    return middle()
print(outer())
def acc():
    items = []
    def add(v):
        items.append(v)
        return items
    return add
a = acc()
a(1)
print(a(2))
