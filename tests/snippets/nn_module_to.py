# Module.to / double / float / cpu: parameters converted in place (the same Parameter objects),
# their gradients too; integer dtypes are refused.
import torch

torch.manual_seed(1)
model = torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.Tanh(), torch.nn.Linear(2, 1))
first = model[0].weight
out = model(torch.ones(4, 3)).sum()
out.backward()
same = model.to(torch.float64)
print(same is model, model[0].weight is first)
print([p.dtype for p in model.parameters()])
print(model[0].weight.grad.dtype, model[0].weight.requires_grad, model[0].weight.is_leaf)
print(model(torch.ones(2, 3, dtype=torch.float64)))
model.float()
print(model[2].bias.dtype, model[2].bias.grad.dtype)
model.to("cpu", torch.float64)
print(model[2].weight)
model.to(torch.ones(1))
print(model[2].weight.dtype)
print(model.cpu() is model, model[0].weight.device)
try:
    model.to(torch.int64)
except TypeError as e:
    print("TypeError:", e)
model.double()
print(model[0].bias.dtype)
model.half()
print(model[0].bias.dtype)
