"""Realistic sample data: a living console for new users, and benchmark-scale databases."""
