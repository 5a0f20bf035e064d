"""Where the API lives."""

API_PREFIX = "/api/s2s"
