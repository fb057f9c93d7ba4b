import torch
a = torch.tensor([[2.0, 1.0], [1.0, 3.0]])
b = torch.tensor([1.0, 2.0])
print(torch.linalg.solve(a, b), torch.linalg.solve(a, torch.eye(2)))
print(torch.einsum('ij,j->i', a, b), torch.einsum('ij,jk', a, a), torch.einsum('ii', a), torch.einsum('i,j->ij', [b, b]))
print(torch.outer(b, b), b.outer(torch.tensor([1.0, 0.0, -1.0])))
print(torch.mv(a, b), a.mv(b), torch.dot(b, b), b.dot(b))
c = torch.arange(8.0).reshape(2, 2, 2)
print(torch.bmm(c, c), c.bmm(c.mT))
print(torch.linalg.norm(a), torch.linalg.norm(b), torch.linalg.norm(a, 'fro'), torch.linalg.norm(b, float('inf')))
print(torch.linalg.norm(a, dim=1), torch.linalg.norm(b, 1))
print(torch.linalg.vector_norm(a), torch.linalg.vector_norm(a, 1, dim=0), torch.linalg.vector_norm(b, float('inf'), keepdim=True))
print(torch.linalg.vector_norm(a, ord=3))
try:
    torch.linalg.solve(torch.zeros(2, 2), b)
except RuntimeError as e:
    print("RuntimeError", e)
try:
    torch.mv(a, torch.ones(3))
except RuntimeError as e:
    print("RuntimeError", e)
try:
    torch.einsum('ij,jk->ik', a, b)
except RuntimeError as e:
    print("RuntimeError", e)
try:
    torch.bmm(a, a)
except RuntimeError as e:
    print("RuntimeError", e)
