import torch
a = torch.tensor([1.0, 2.0])
b = torch.tensor([3.0, 4.0], requires_grad=True)
print((a + a).requires_grad, (a + b).requires_grad, (b * 0).requires_grad)
print(torch.cat([a, b]).requires_grad, torch.stack([a, a]).requires_grad)
print((b > 3).requires_grad, (b > 3).dtype, b.argmax().requires_grad)
print(b.sum().item(), type(b.sum().item()).__name__)
print(b.tolist(), b[0].item())
print((b.detach() * 2).requires_grad, b.double().requires_grad, b.double().grad_fn.name())
