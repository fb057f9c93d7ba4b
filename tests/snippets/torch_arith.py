import torch
a = torch.tensor([1.0, 2.0, 3.0])
b = torch.tensor([4.0, 5.0, 6.0])
print(a + b, a - b, a * b, a / b, a ** 2, 2 ** a, -a)
print(a + 1, 1 + a, a * 2, 2 * a, a / 2, 1 / a, 10 - a, a // 2, a % 2)
print(a == b, a < b, a >= 2, a != 2)
i = torch.tensor([1, 2, 3])
print(i + 1, i * 2, i / 2, i + 0.5, i * True, i // 2, i % 2, i ** 2)
print(a @ b, torch.dot(a, b), a.sum(), a.mean(), a.max(), a.min(), a.argmax(), a.prod())
m = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
print(m @ m, m.T, m.t(), m.sum(0), m.sum(dim=1), m.mean(1, keepdim=True), m.matmul(torch.tensor([1.0, 1.0])))
print(a.exp(), a.log(), a.sqrt(), torch.abs(-a), a.clamp(min=2), a.clamp(1.5, 2.5), torch.sigmoid(a), a.relu())
c = a.clone()
c += 1
c *= 2
print(c, a)
print(a.item() if a.numel() == 1 else a.tolist(), a[0].item(), float(a[1]), int(a[2]), bool(a[0]))
