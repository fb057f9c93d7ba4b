a, b = 0b1100, 0b1010
print(a & b, a | b, a ^ b, ~a, a << 3, a >> 2)
print(-8 >> 1, -1 >> 10, 1 << 62, 255 & -256)
print(True & False, True | False, True ^ True)
print(bin(a), hex(255), oct(8), bin(-5), hex(-255))
