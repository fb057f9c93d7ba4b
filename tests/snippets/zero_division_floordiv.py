a = 5
b = 0
print(a // b)
