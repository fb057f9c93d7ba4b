counter = 0
def bump():
    global counter
    counter += 1
def read():
    return counter
bump()
bump()
print(counter, read())
def make():
    global created
    created = "yes"
make()
print(created)
x = 5
def shadow():
    x = 10
    return x
print(shadow(), x)
