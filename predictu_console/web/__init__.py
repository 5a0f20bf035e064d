"""The console in a browser: textual-serve behind a credential (`predictu-console web`).

A request travels: `gate` (a session cookie, or a credential in `?token=` exchanged for
one) → `server.ConsoleServer` (the page, its static files, and the websocket that starts
one console process per browser tab, acting as the admin the credential belongs to).
Nothing of textual-serve is reachable without passing the gate.
"""
