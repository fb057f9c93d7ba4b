print(f"{'abc':d}")
