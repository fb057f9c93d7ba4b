name = "Ada"
n = 42
pi = 3.14159
print(f"Hello {name}!", f"{n + 1}", f"{name!r}", f"{n=}", f"{pi=}", f"{name=!s}")
print(f"{[1, 2][0]}", f"{'quoted'}", f"{ {'a': 1}['a'] }", f"{{literal}}", f"{n}{n}")
print(f"{name.upper()} has {len(name)} letters")
items = [1, 2, 3]
print(f"sum={sum(items)} max={max(items)} list={items}")
print(f"{'nested ' + f'{n}'}")
x = 0.1
print(f"{x}", f"{x * 3}", f"{x:.3}", f"{1e-7}")
