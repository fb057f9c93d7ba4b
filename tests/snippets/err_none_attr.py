x = None
x.value
