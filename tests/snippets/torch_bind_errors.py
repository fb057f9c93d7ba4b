import torch
x = torch.arange(6.0).reshape(2, 3)
calls = [
    lambda: torch.einsum(), lambda: torch.einsum('ij'), lambda: torch.einsum('ij', 3), lambda: torch.split(x),
    lambda: x.expand(), lambda: torch.finfo(1), lambda: torch.iinfo(), lambda: torch.linalg.norm(x, 'abc'),
    lambda: torch.randperm(-1), lambda: torch.randperm('a'), lambda: x.split([-1, 4], 1), lambda: x.chunk(0),
    lambda: x.repeat(), lambda: x.repeat(1), lambda: x.narrow(5, 0, 1), lambda: torch.linalg.solve(x, x),
    lambda: torch.linalg.vector_norm(x, 'fro'), lambda: torch.autograd.grad(x, x), lambda: torch.autograd.grad(),
    lambda: torch.autograd.backward(x), lambda: x.as_strided((100,), (1,)), lambda: x.type(3),
    lambda: torch.set_grad_enabled(1), lambda: x.diagonal(0, 0, 0), lambda: x.mT.mT.grad_fn,
    lambda: torch.can_cast(1, 2), lambda: torch.can_cast(torch.int8, 2), lambda: torch.tensor(3).nonzero(as_tuple=True),
    lambda: torch.einsum('ij,jk->ik', [x, x.t(), x]), lambda: torch.index_select(x, 0, torch.tensor([0.5])),
    lambda: x.copy_(2), lambda: x.nonzero(as_tuple=True), lambda: torch.zeros(2, 0).nonzero(as_tuple=True),
]
for i, c in enumerate(calls):
    try:
        r = c()
        print(i, "ok", r)
    except Exception as e:
        print(i, type(e).__name__, e)
