import numpy as np
import torch
a = np.array([[1.0, 2.0], [3.0, 4.0]], dtype=np.float32)
print(repr(a))
print(a)
print(repr(np.arange(5)), np.zeros(3), repr(np.zeros(3)), np.array([1.5, 2.25]), np.float32, np.array([1, 2]).dtype, np.array([True, False]))
print(repr(np.array([1e-5, 1.0])), np.array([0.1, 123456.7]))
print(np.array([-1.0, 2.0]), repr(np.arange(12).reshape(3, 4) if False else np.zeros((2, 2, 2))))
t = torch.arange(6, dtype=torch.float32).reshape(2, 3)
n = t.numpy()
n[0, 1] = 7.5
print(t)
print(n)
print(n.shape, n.ndim, n.dtype, n.size)
b = torch.from_numpy(np.ones(3))
print(b, b.dtype)
print(repr(np.array(3.5)), np.array(3.5), repr(np.array([], dtype=np.float32)), repr(np.array([1, 2], dtype=np.int32)))
print(np.array([0.1, 0.25, -3.0]), np.array([1e10, 1.0]), np.array([float("nan"), 1.0]))
print(np.array([[1, 22], [333, 4]]))
w = torch.ones(2, requires_grad=True)
try:
    w.numpy()
except RuntimeError as e:
    print(e)
try:
    torch.from_numpy([1, 2])
except TypeError as e:
    print(e)
