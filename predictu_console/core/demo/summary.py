"""The plain-text operator table `demo --no-tui` prints."""

from __future__ import annotations

from predictu_console.core.models import OperatorPage

SUMMARY_ROWS = 20
COLUMNS = (
    "Operator",
    "Domain",
    "Status",
    "Onboarding",
    "Users",
    "Active 24h",
    "Volume",
    "MTD revenue",
    "Callback",
)
_RIGHT = {"Users", "Active 24h", "Volume", "MTD revenue"}


def summary_table(page: OperatorPage) -> str:
    """The page as aligned columns, with a footer counting what is not shown."""
    rows = [
        (
            row.name,
            row.domain,
            row.status,
            f"{row.onboarding_step}/8",
            f"{row.user_count:,}",
            f"{row.active_user_count_24h:,}",
            f"{row.total_volume:,.2f}",
            f"{row.mtd_revenue:,.2f}",
            row.callback_status,
        )
        for row in page.operators
    ]
    widths = [max(len(cell) for cell in column) for column in zip(COLUMNS, *rows, strict=False)]
    lines = [
        "  ".join(
            cell.rjust(width) if header in _RIGHT else cell.ljust(width)
            for cell, width, header in zip(cells, widths, COLUMNS, strict=True)
        ).rstrip()
        for cells in (COLUMNS, *rows)
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    lines.append(f"{len(rows)} of {page.total:,} operators, busiest first")
    return "\n".join(lines)
