assert 1 + 1 == 2
assert [1], "non-empty list is true"
x = 5
assert x > 0, f"x must be positive, got {x}"
print("all asserts passed")
try:
    assert x < 0, "negative expected"
except AssertionError as e:
    print("caught:", e)
try:
    assert False
except AssertionError as e:
    print("empty message:", repr(e))
