for ch in "héllo":
    print(ch, end=",")
print()
print([ord(c) for c in "AZaz09"], "".join(chr(c) for c in range(97, 102)))
word = "level"
print(word == word[::-1], sorted(set("banana")), "".join(reversed("abc")))
vowels = sum(1 for c in "education" if c in "aeiou")
print(vowels, "a-b".split("-"), list("a b"), "x".join("abc"))
print(max("hello"), min("hello"), "hello".count("l"), len("héllo"))
