def area(w, h, d):
    return w * h * d
area()
