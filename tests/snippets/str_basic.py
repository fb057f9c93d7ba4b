s = "Hello, World"
print(s[0], s[-1], s[4], s[-5])
print(s[0:5], s[7:], s[:5], s[::2], s[::-1], s[-5:-1], s[100:], s[2:100])
print(len(s), len(""), "lo" in s, "xyz" not in s)
print("ab" + "cd", "ab" * 3, 3 * "-", "x" * 0)
print(s.upper(), s.lower())
t = "caf\u00e9"
print(t, len(t), t[3], t[::-1])
print("a" "b" "c")
print(str(123) + str(4.5) + str(None) + str([1]))
