import torch
x = torch.arange(12).reshape(3, 4)
print(x, x[0], x[-1], x[1, 2], x[:, 0], x[1:, ::2], x[..., 1], x[None].shape, x[:, None, :].shape)
print(x[0][1], x[x > 5], x[[0, 2]], x[torch.tensor([2, 0])])
x[0] = 0
x[1, 1] = -1
x[:, 3] = torch.tensor([7, 8, 9])
print(x)
y = x.view(12)
y[0] = 100
print(x[0, 0], x.view(2, 6), x.view(-1, 3).shape, x.flatten(), x.unsqueeze(0).shape, x.unsqueeze(0).squeeze().shape)
print(x.transpose(0, 1), x.transpose(0, 1).is_contiguous(), x.t().contiguous().is_contiguous(), x.permute(1, 0).shape)
for row in torch.tensor([[1, 2], [3, 4]]):
    print(row, row.sum().item())
print([v.item() for v in torch.tensor([5, 6])], len(torch.zeros(4, 2)))
