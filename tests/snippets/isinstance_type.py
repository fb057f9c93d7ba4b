print(type(1), type(1.0), type("s"), type([]), type(()), type({}), type(set()), type(None), type(True))
print(type(len), type(range(3)), type(int), type(type))
class A:
    def m(self):
        pass
def f():
    pass
print(type(A()).__name__, type(f).__name__, type(A.m).__name__, type(A().m).__name__)
print(isinstance(1, int), isinstance("a", (int, str)), isinstance([], list), isinstance(A(), A))
print(callable(f), callable(A), callable(1), callable(A().m), callable(print))
print(hasattr("s", "upper"), hasattr(1, "foo"), getattr([], "append").__name__)
print(int is type(5), str.__name__, A.__name__, A.__qualname__)
