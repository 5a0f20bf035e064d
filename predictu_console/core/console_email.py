"""The address of the admin the console creates for an OS user, with nothing to import.

The console's first page reads that admin before pydantic or SQLAlchemy is loaded
(`core/first_page.py`), and `admins.console_admin` creates it: both name it here.
"""

from __future__ import annotations

CONSOLE_EMAIL_DOMAIN = "console.predictu.com"


def console_email(os_user: str) -> str:
    """`os_user`'s console address: its name, cleaned to what an address allows."""
    cleaned = "".join(char if char.isalnum() or char in "._-" else "-" for char in os_user)
    return f"{cleaned.strip('.-')[:64] or 'admin'}@{CONSOLE_EMAIL_DOMAIN}"
