import torch
import torch.nn as nn

class TwoLayer(nn.Module):
    def __init__(self, d_in, d_hidden, d_out):
        super().__init__()
        self.fc1 = nn.Linear(d_in, d_hidden)
        self.act = nn.ReLU()
        self.fc2 = nn.Linear(d_hidden, d_out)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))

torch.manual_seed(0)
model = TwoLayer(3, 4, 2)
print(model)
for name, p in model.named_parameters():
    print(name, p.shape)
x = torch.tensor([[1.0, 0.0, -1.0]])
print(model(x))
print([type(m).__name__ for m in model.children()])
