import torch
w = torch.tensor([1.0, 2.0], requires_grad=True)
for f in (lambda: w.add_(1), lambda: w.mul_(2), lambda: w.zero_()):
    try:
        f()
    except RuntimeError as e:
        print("RuntimeError:", e)
with torch.no_grad():
    w.add_(1)
print(w, w.is_leaf, w._version)
w += 1
