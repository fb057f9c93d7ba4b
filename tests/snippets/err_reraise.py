try:
    int("q")
except ValueError:
    print("re-raising")
    raise
