words = ["banana", "Apple", "cherry", "apple", "Banana"]
print(sorted(words))
print(sorted(words, key=str.lower))
print(sorted(words, key=len))
print(sorted(words, key=len, reverse=True))
print(sorted([3, 1, 2], reverse=True), sorted([]), sorted("hello"))
pairs = [(1, "b"), (0, "z"), (1, "a"), (0, "a")]
print(sorted(pairs), sorted(pairs, key=lambda p: p[1]), sorted(pairs, key=lambda p: p[0], reverse=True))
nums = [5, -3, 2, -8, 1]
nums.sort(key=abs)
print(nums)
nums.sort(reverse=True)
print(nums)
print(sorted([2.5, 1, 3.0, -1]), max([2.5, 1, 3]), min("hello"))
print(sorted({3: "c", 1: "a", 2: "b"}.items()))
