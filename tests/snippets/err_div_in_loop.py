total = 0
for d in [2, 1, 0]:
    total += 10 // d
    print(total)
