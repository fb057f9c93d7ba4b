a = 1
del a
try:
    print(a)
except NameError as e:
    print(e)
l = [0, 1, 2, 3, 4]
del l[0], l[-1]
print(l)
d = {"x": 1, "y": 2}
del d["x"]
print(d)
class O:
    pass
o = O()
o.v = 1
del o.v
print(hasattr(o, "v"))
