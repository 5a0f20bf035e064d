"""The operator detail's tabs, and their labels at any width.

Nine tabs with their names take 107 columns; Textual's tab strip scrolls the rest out of
sight, so at 80 columns tabs 8 and 9 could not be seen until one was chosen. Narrower than
that, the chosen tab keeps its name and the others are shown by their number key (their
names in the `?` help and as tooltips), named again from the first while room is left:
every tab is always on screen, and so is the chosen one.
"""

from __future__ import annotations

TABS = (
    ("overview", "Overview"),
    ("branding", "Branding"),
    ("origins", "Origins"),
    ("keys", "API keys"),
    ("onboarding", "Onboarding"),
    ("invoices", "Invoices"),
    ("audit", "Audit"),
    ("deliveries", "Deliveries"),
    ("players", "Players"),
)
"""Each tab's id and name, in the order of their number keys (1–9)."""
GUTTER = 2
"""Columns a tab takes besides its label: Textual's padding of one each side."""


def full_label(number: int, name: str) -> str:
    """`8 Deliveries`: the key, then the name."""
    return f"{number} {name}"


def tab_labels(active: str, width: int) -> dict[str, str]:
    """Each tab's label in a strip `width` columns wide, `active` the chosen tab's id."""
    full = {key: full_label(number, name) for number, (key, name) in enumerate(TABS, 1)}
    short = {key: str(number) for number, (key, _name) in enumerate(TABS, 1)}
    labels = {key: full[key] if key == active else short[key] for key in full}
    used = sum(len(label) + GUTTER for label in labels.values())
    for key in full:
        grown = used + len(full[key]) - len(labels[key])
        if grown > width:
            break
        labels[key], used = full[key], grown
    return labels
