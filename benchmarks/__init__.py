"""Benchmarks: measured side by side in one run and reported in the README, never in tests."""
