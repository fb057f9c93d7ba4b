x = 3
assert x == 4, f"expected 4, got {x}"
