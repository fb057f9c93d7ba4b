x = [1]
x.size = 3
