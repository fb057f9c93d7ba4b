def f():
    pass
r = f()
r()
