class Temp:
    scale = "C"
    def __init__(self, c):
        self._c = c
    @property
    def fahrenheit(self):
        return self._c * 9 / 5 + 32
    @staticmethod
    def describe(x):
        return f"temp {x}"
    @classmethod
    def zero(cls):
        return cls(0)
    @classmethod
    def unit(cls):
        return cls.scale
t = Temp(100)
print(t.fahrenheit, Temp.describe(5), t.describe(6), Temp.zero().fahrenheit, Temp.unit(), t.unit())
def deco(fn):
    def wrapper(*a, **k):
        print("calling", fn.__name__)
        return fn(*a, **k)
    return wrapper
@deco
def add(a, b):
    return a + b
print(add(2, 3))
def repeat(n):
    def d(fn):
        def w(x):
            for _ in range(n):
                x = fn(x)
            return x
        return w
    return d
@repeat(3)
def double(x):
    return 2 * x
print(double(1))
