def check(x):
    if x < 0:
        raise ValueError(f"negative value: {x}")
    return x
check(3)
check(-2)
