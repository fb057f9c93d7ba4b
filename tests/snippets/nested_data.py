students = [
    {"name": "Ann", "grades": [90, 85, 77]},
    {"name": "Bob", "grades": [60, 75]},
    {"name": "Cid", "grades": []},
]
for s in students:
    g = s["grades"]
    avg = sum(g) / len(g) if g else 0.0
    print(f"{s['name']:<5}{avg:>8.2f} {len(g)}")
by_name = {s["name"]: s for s in students}
print(sorted(by_name), by_name["Bob"]["grades"][-1])
matrix = [[i * 3 + j for j in range(3)] for i in range(3)]
print(matrix, [row[1] for row in matrix], sum(sum(r) for r in matrix))
transposed = list(map(list, zip(*matrix)))
print(transposed)
