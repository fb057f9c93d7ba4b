class Animal:
    sound = "..."
    def __init__(self, name):
        self.name = name
    def speak(self):
        return f"{self.name} says {self.sound}"
    def kind(self):
        return "animal"
class Dog(Animal):
    sound = "woof"
    def __init__(self, name, breed):
        super().__init__(name)
        self.breed = breed
    def kind(self):
        return "dog/" + super().kind()
class Puppy(Dog):
    def speak(self):
        return super().speak() + "!"
d = Dog("Rex", "lab")
p = Puppy("Bit", "pug")
print(d.speak(), d.kind(), d.breed, p.speak(), p.kind())
print(isinstance(p, Animal), isinstance(d, Puppy), issubclass(Puppy, Animal), issubclass(Animal, Dog))
print(Puppy.__bases__, Puppy.__mro__)
print(type(p) is Puppy, type(p) == Dog)
