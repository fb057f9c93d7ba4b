print(2.0 / 4.0)
print(1.0 / 0.0)
