"""The service core: every rule and every write. No UI or HTTP framework is imported here."""
