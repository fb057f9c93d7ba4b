import torch
x = torch.tensor([0.25, 0.5, 1.0, 2.0], dtype=torch.float64, requires_grad=True)
fns = [("exp", torch.exp), ("log", torch.log), ("sin", torch.sin), ("cos", torch.cos),
       ("tanh", torch.tanh), ("sigmoid", torch.sigmoid), ("sqrt", torch.sqrt),
       ("abs", torch.abs), ("relu", torch.relu), ("square", torch.square)]
for name, f in fns:
    g, = torch.autograd.grad(f(x).sum(), x)
    print(name, g)
