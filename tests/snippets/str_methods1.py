s = "  Hello World  "
print("[" + s.strip() + "]", "[" + s.lstrip() + "]", "[" + s.rstrip() + "]")
print("xxhixx".strip("x"), "abcba".strip("ab"))
print("hello world".title(), "hELLO".capitalize(), "Hello".swapcase())
print("hello".replace("l", "L"), "aaaa".replace("a", "b", 2), "abc".replace("", "-"))
print("Hello".upper(), "Hello".lower())
print("a,b,,c".split(","), "a b  c".split(), "  lead".split(), "a-b-c".split("-", 1))
print("a,b,c".rsplit(",", 1), "one two three".rsplit(None, 1))
