# The parameter is a vector now: w lives in R^3.
import torch

w = torch.tensor([3.0, -1.0, 2.0])
loss = 0.5 * (w * w).sum()   # L(w) = 1/2 ||w||^2
print(w)
print(loss)
print(w.shape, w.dtype)
