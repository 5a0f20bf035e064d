"""The Textual console: a thin front end over the service core."""
