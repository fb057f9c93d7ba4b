print(["a", "b"].index("z"))
