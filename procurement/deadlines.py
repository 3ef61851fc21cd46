"""Chronograph handlers of procurement. The first-purchase slice built so far has no
time-driven step (deliveries, standstills and tender periods come with the later slices),
so this module registers none yet."""
