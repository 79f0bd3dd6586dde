"""Benchmarks of the catalog: run `python bench/resolve.py [--quick]` from the checkout."""
