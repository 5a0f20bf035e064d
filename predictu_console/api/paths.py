"""Where the API lives."""

API_PREFIX = "/api/s2s"
OPERATOR_API_PREFIX = "/api/operator"
"""Where the operator API lives: what operators' servers call with their secret keys."""
