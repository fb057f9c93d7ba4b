print(int("42"), int("-0"), int("  12  "), int("7", 8), int("z", 36), int("0o17", 0), int("0xFF", 0))
print(int(2.999), int(-0.5), int("1" * 18), int(" -9_9 "))
for s in ["12", "1.5", "abc", "", "0x10"]:
    try:
        print(s, "->", int(s))
    except ValueError as e:
        print(s, "-> error:", e)
for s in ["1.5", "1e3", "inf", "x", "-nan"]:
    try:
        print(s, "->", float(s))
    except ValueError as e:
        print(s, "-> error:", e)
