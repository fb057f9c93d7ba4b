for n in range(-2, 3):
    print(n, "pos" if n > 0 else "zero" if n == 0 else "neg")
x = None
print(x if x is not None else "default", (lambda v: "even" if v % 2 == 0 else "odd")(7))
print([("fizz" if i % 3 == 0 else "") + ("buzz" if i % 5 == 0 else "") or i for i in range(1, 16)])
