import torch.linalg
import torch
from torch.autograd import grad
x = torch.tensor([3.0], requires_grad=True)
print(grad((x * x).sum(), x))
print(torch.linalg.norm(torch.tensor([3.0, 4.0])))
for f in (lambda: torch.finfo(torch.int32), lambda: torch.iinfo(torch.float32), lambda: torch.iinfo(torch.bool)):
    try:
        f()
    except TypeError as e:
        print(e)
