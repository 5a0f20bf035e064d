"""Command-line commands with logic of their own, one module each.

`cli.py` only declares their arguments and imports a module when its command runs, so
`predictu-console --help` loads none of them.
"""
