"""Benchmarks and screenshots: `make bench` and `make screenshots`."""
