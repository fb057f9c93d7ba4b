print("{} + {} = {}".format(1, 2, 3))
print("{0} {1} {0}".format("a", "b"))
print("{name} is {age}".format(name="Bob", age=30))
print("{:.2f} {:>5} {:<5}|".format(3.14159, "r", "l"))
print("{0[1]} {1[k]}".format([10, 20], {"k": "v"}))
print("{{}} {}".format("braces"))
print("{!r} {!s}".format("x", "y"))
print("{:{}}|".format("w", 4))
class P:
    def __init__(self):
        self.x = 7
print("{0.x}".format(P()))
