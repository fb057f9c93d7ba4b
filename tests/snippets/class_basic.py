class Point:
    dims = 2
    def __init__(self, x, y):
        self.x = x
        self.y = y
    def norm2(self):
        return self.x ** 2 + self.y ** 2
    def __repr__(self):
        return f"Point({self.x}, {self.y})"
    def __str__(self):
        return f"({self.x}, {self.y})"
p = Point(3, 4)
print(p.x, p.y, p.norm2(), Point.dims, p.dims)
print(p, repr(p), [p], str(p), f"{p}", f"{p!r}")
p.z = 5
print(p.z, hasattr(p, "z"), hasattr(p, "w"), getattr(p, "w", "default"))
setattr(p, "x", 10)
print(p.x, Point.norm2(p), type(p).__name__, p.__class__.__name__)
Point.dims = 3
print(p.dims, vars(p))
class Empty:
    pass
e = Empty()
print(type(e).__name__, isinstance(e, Empty), isinstance(e, object))
