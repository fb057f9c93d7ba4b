import time
t0 = time.perf_counter()
s = 0
for i in range(10000):
    s += i
dt = time.perf_counter() - t0
print(s, dt >= 0, isinstance(dt, float), dt < 60)
now = time.time()
print(now > 1.6e9, type(time.perf_counter_ns()).__name__)
time.sleep(0.01)
print(time.perf_counter() - t0 >= 0.01)
