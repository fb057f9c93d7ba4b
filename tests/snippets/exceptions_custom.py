class AppError(Exception):
    pass
class NotFound(AppError):
    def __init__(self, what):
        super().__init__(f"{what} not found")
        self.what = what
try:
    raise NotFound("file")
except AppError as e:
    print(type(e).__name__, e, e.what, e.args, isinstance(e, Exception))
class Code(Exception):
    def __init__(self, code):
        self.code = code
    def __str__(self):
        return f"code {self.code}"
try:
    raise Code(42)
except Code as e:
    print(e, e.code)
e = ValueError("x")
print(repr(e), e.args, repr(KeyError("k")), str(KeyError("k")), repr(RuntimeError()))
print(issubclass(ZeroDivisionError, ArithmeticError), issubclass(KeyError, LookupError), issubclass(RecursionError, RuntimeError))
print(isinstance(StopIteration(), Exception), issubclass(KeyboardInterrupt, Exception), issubclass(KeyboardInterrupt, BaseException))
