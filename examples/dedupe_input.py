# Arguments for examples/slow.py:dedupe: one list of 2,000 integers with many repeats.
[[(i * 7919) % 1500 for i in range(2000)]]
