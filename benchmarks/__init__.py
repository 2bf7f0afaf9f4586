"""Benchmarks: `python -m benchmarks --scale 1e4,1e5` prints one table."""
