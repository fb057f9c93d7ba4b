def f(x):
    return (x - 3.0) ** 2 + 1.0
def grad(x):
    return 2.0 * (x - 3.0)
x = 0.0
lr = 0.1
for step in range(25):
    x = x - lr * grad(x)
    if step % 5 == 0:
        print(f"step {step:2d}: x = {x:.6f}, f(x) = {f(x):.6f}")
print(f"final x = {x:.10f}", x, f(x))
xs = [i / 10 for i in range(-5, 6)]
print(min(xs, key=f), [round(f(v), 3) for v in xs[:3]])
