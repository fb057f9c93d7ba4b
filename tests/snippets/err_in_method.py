class Acc:
    def __init__(self):
        self.items = []
    def get(self, i):
        return self.items[i]
Acc().get(0)
