for n in range(2, 20):
    for d in range(2, n):
        if n % d == 0:
            break
    else:
        print(n, "is prime")
for x in []:
    print("never")
else:
    print("empty loop else")
for i in range(3):
    pass
print("i after loop:", i)
total = 0
for ch in "abc":
    for k in range(2):
        if k == 1:
            continue
        total += ord(ch)
print(total)
