import torch
torch.manual_seed(2)
X = torch.randn(32, 3)
w_true = torch.tensor([[1.0], [-2.0], [0.5]])
y = torch.relu(X @ w_true) + 0.1
W1 = (torch.randn(3, 8) * 0.5).requires_grad_()
b1 = torch.zeros(8, requires_grad=True)
W2 = (torch.randn(8, 1) * 0.5).requires_grad_()
b2 = torch.zeros(1, requires_grad=True)
params = [W1, b1, W2, b2]
lr = 0.05
for step in range(200):
    h = torch.relu(X @ W1 + b1)
    pred = h @ W2 + b2
    loss = ((pred - y) ** 2).mean()
    for p in params:
        p.grad = None
    loss.backward()
    with torch.no_grad():
        for p in params:
            p -= lr * p.grad
    if step % 40 == 0:
        print(step, f"{loss.item():.5f}")
print(f"{loss.item():.5f}")
