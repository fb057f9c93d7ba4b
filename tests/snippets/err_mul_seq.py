print([1] * 2.5)
