import math as m
from math import sqrt, pi as PI
from random import seed, random as rnd
import time, math
print(m.sqrt(9), sqrt(4), PI, m is math)
seed(3)
print(rnd())
import sys
print(type(sys.argv).__name__, sys.maxsize)
sys.stdout.write("written\n")
print(m.__name__)
