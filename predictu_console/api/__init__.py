"""Headless mode: the S2S Operator API over the service core."""
