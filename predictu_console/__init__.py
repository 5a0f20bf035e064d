"""Predictu console: the God Mode administration console and headless S2S Operator API."""

__version__ = "0.1.0"
