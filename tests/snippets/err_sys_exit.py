import sys
print("bye")
sys.exit(3)
print("never")
