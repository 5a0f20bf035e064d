"""What the console's symbols and columns mean, for the `?` help of the screens showing them.

The symbols come from `formatting`, so the legend always shows what the screens draw.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text

from predictu_console.tui.formatting import delivery_status_text, health_text, status_text


@dataclass(frozen=True)
class Legend:
    """One section of a help screen: a heading and what each term means."""

    heading: str
    entries: tuple[tuple[str | Text, str], ...]


STATUS = Legend(
    "Operator status",
    (
        (status_text("active"), "live: its players can trade"),
        (status_text("onboarding"), "being set up: trading opens when it is activated"),
        (status_text("inactive"), "deactivated: new trades are blocked, open positions settle"),
    ),
)
HEALTH = Legend(
    "Callback health",
    (
        (health_text("healthy"), "the last callback was delivered"),
        (health_text("degraded"), "the last 1–4 callbacks failed"),
        (health_text("failing"), "5 or more callbacks in a row failed"),
        (health_text("unknown"), "no callback has been tried yet"),
    ),
)
DELIVERY = Legend(
    "Delivery status",
    (
        (delivery_status_text("delivered"), "the operator answered with a 2xx"),
        (delivery_status_text("pending"), "waiting for its next try"),
        (delivery_status_text("failed"), "every retry failed; d delivers it again"),
        (delivery_status_text("skipped"), "not sent, for the reason shown (such as no key)"),
    ),
)
STEPS = Legend(
    "Onboarding steps",
    (("✓", "done"), ("▶", "the step this page does"), ("○", "still open")),
)
LIST_COLUMNS = Legend(
    "Columns",
    (
        ("Name", "the operator's name"),
        ("Domain", "its primary domain (from 120 columns)"),
        ("Status", "see Operator status"),
        ("Onboarding", "onboarding steps done, of 8"),
        ("Users", "players registered"),
        ("Volume", "the sum of all its trades"),
        ("MTD revenue", "gross platform revenue this month, UTC (from 120 columns)"),
        ("Callback", "see Callback health"),
        ("Created", "the day the record was made (from 120 columns)"),
    ),
)
DETAIL_COLUMNS = Legend(
    "Columns of the tabs",
    (
        ("API keys", "key id, label, public key, status, created, last used, expiry"),
        ("Invoices", "month, gross revenue, Predictu's and the operator's shares, status"),
        ("Deliveries", "created, event, status, tries, last result, next try, delivery id"),
    ),
)
ATTEMPT_COLUMNS = Legend(
    "Columns of the attempts",
    (
        ("#", "the try's number"),
        ("Started", "when it was sent, UTC"),
        ("HTTP", "the status the operator answered, — if none"),
        ("Latency", "time to the answer"),
        ("Error", "why it failed, — if it did not"),
        ("Address", "the IP address connected to"),
        ("TLS", "the TLS version negotiated"),
    ),
)
