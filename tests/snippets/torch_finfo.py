import torch
print(torch.finfo(torch.float32))
print(torch.finfo(torch.float64))
print(torch.finfo(torch.float16))
print(torch.finfo(torch.bfloat16))
print(torch.finfo())
f = torch.finfo(torch.float32)
print(f.bits, f.eps, f.max, f.min, f.tiny, f.resolution, f.smallest_normal, f.dtype)
print(torch.iinfo(torch.int8), torch.iinfo(torch.uint8), torch.iinfo(torch.int64))
i = torch.iinfo(torch.int32)
print(i.bits, i.max, i.min, i.dtype)
print(torch.iinfo(torch.int16).max + 1, torch.finfo(torch.half).eps)
try:
    torch.finfo(torch.int32)
except TypeError as e:
    print("TypeError", e)
try:
    torch.iinfo(torch.float64)
except TypeError as e:
    print("TypeError", e)
