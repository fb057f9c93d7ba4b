print(repr("it's"), repr('say "hi"'), repr("both ' and \""), repr("tab\there"), repr("new\nline"))
print(repr("back\\slash"), repr("\x00\x1f"), repr(""), repr("\u00e9"))
print("tab:\tend", "quote:\"", 'single:\'')
print(r"raw\n string", len(r"\n"), len("\n"))
print("""triple
quoted""")
print('''also "triple" 'quoted' ''')
print("\x41\u0042\103")
print(["a'b", 'c"d'])
