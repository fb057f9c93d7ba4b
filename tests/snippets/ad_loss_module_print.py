import torch.nn as nn
print(nn.MSELoss())
print(nn.BCELoss())
print(nn.BCEWithLogitsLoss())
print(nn.CrossEntropyLoss())
print(nn.MSELoss(reduction="sum").reduction)
