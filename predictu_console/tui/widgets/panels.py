"""Rich renderables for the detail screen's tabs: pure functions of core models."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from predictu_console.core.audit import AuditRecord
from predictu_console.core.labels import action_label, field_label
from predictu_console.core.models import STEPS, OperatorDetail
from predictu_console.core.trends import DayPoint, OperatorTrends
from predictu_console.tui.formatting import money, percent, severity, shown, when
from predictu_console.tui.widgets.trend_chart import ChartContent


def _pairs(rows: list[tuple[str, str]], title: str) -> Table:
    table = Table.grid(padding=(0, 2))
    table.title = title
    table.title_justify = "left"
    table.title_style = "bold"
    table.add_column(style="dim")
    table.add_column()
    for label, value in rows:
        table.add_row(label, value)
    return table


def overview(op: OperatorDetail) -> RenderableType:
    """Contacts, revenue share, configuration and statistics."""
    config = op.config
    return Group(
        _pairs(
            [
                ("Contact", op.contact_email),
                ("Billing", op.billing_email),
                ("Callback URL", op.callback_url or "— not set"),
                ("Categories", ", ".join(op.allowed_categories)),
                ("Created", when(op.created_at)),
                ("Updated", f"{when(op.updated_at)} (version {op.version})"),
            ],
            "Operator",
        ),
        Text(""),
        _pairs(
            [
                ("Predictu share", percent(op.revenue_share_predictu)),
                ("Operator share", percent(op.revenue_share_operator)),
            ],
            "Revenue share",
        ),
        Text(""),
        _pairs(
            [
                (
                    "Tier limits",
                    f"new {config.new_tier_limit:,} · regular "
                    f"{config.regular_tier_limit:,} · VIP {config.vip_tier_limit:,}",
                ),
                (
                    "Auto-promote",
                    f"{'on' if config.auto_promote_enabled else 'off'} after "
                    f"{config.auto_promote_days} days and {config.auto_promote_trades} trades",
                ),
                ("Daily loss limit", "on" if config.daily_loss_limit_enabled else "off"),
                ("Can promote VIP", "yes" if config.can_promote_vip else "no"),
            ],
            "Configuration",
        ),
        Text(""),
        _pairs(
            [
                ("Players", f"{op.user_count:,} ({op.active_user_count_24h:,} active in 24 h)"),
                ("Total volume", money(op.total_volume)),
                ("Revenue this month", money(op.mtd_revenue)),
            ],
            "Statistics",
        ),
    )


def branding(op: OperatorDetail) -> RenderableType:
    """Colour swatches drawn in the terminal, with their hex values and the asset URLs."""
    table = Table.grid(padding=(0, 2))
    table.add_column()
    table.add_column(style="dim")
    table.add_column()
    for name in ("primary_color", "secondary_color", "bg_primary", "bg_secondary"):
        colour = getattr(op.branding, name)
        swatch = Text("        ", style=f"on {colour}")
        table.add_row(swatch, field_label(f"branding.{name}"), colour)
    table.add_row("", field_label("branding.logo_url"), op.branding.logo_url or "— not set")
    table.add_row("", field_label("branding.icon_url"), op.branding.icon_url or "— not set")
    return table


def origins(op: OperatorDetail) -> RenderableType:
    """The whitelisted iframe origins, the implicit primary one first."""
    lines = [Text(f"https://{op.domain}  (primary domain, always allowed)", style="dim")]
    lines += [Text(origin) for origin in op.allowed_origins]
    if not op.allowed_origins:
        lines.append(Text("No other origins whitelisted yet.", style="italic"))
    return Group(*lines)


def onboarding(op: OperatorDetail) -> RenderableType:
    """All eight steps with ✓/○ and when each was done."""
    table = Table(box=None, show_header=True, header_style="bold")
    table.add_column("")
    table.add_column("Step")
    table.add_column("Completed")
    for number, step in enumerate(STEPS, start=1):
        item = op.onboarding_checklist[step.id]
        mark = Text("✓", style=severity("ok")) if item.complete else Text("○", style="dim")
        table.add_row(mark, f"{number}. {step.label}", when(item.completed_at))
    return Group(Text(f"{op.onboarding_step} of 8 steps complete\n", style="bold"), table)


def audit_trail(records: list[AuditRecord]) -> RenderableType:
    """Newest first: who did what, and every field's before → after."""
    if not records:
        return Text("No audit entries.", style="italic")
    blocks: list[RenderableType] = []
    for record in records:
        who = record.actor_email or "system"
        if record.os_user:
            who += f" (OS user {record.os_user})"
        what = action_label(record.action)
        blocks.append(Text(f"{when(record.at)}  {what}  by {who}", style="bold"))
        for path, change in record.changes.items():
            before, after = shown(change.get("from")), shown(change.get("to"))
            blocks.append(Text(f"    {field_label(path)}: {before} → {after}"))
        blocks.append(Text(""))
    return Group(*blocks)


def volume_chart(trends: OperatorTrends) -> ChartContent:
    """Volume traded per UTC day over the window."""
    return _daily_chart(
        trends.days,
        "volume",
        lambda point: point.volume,
        money,
        title="Daily volume, last {days} days",
        summary="{total} in {days} days, peak {peak} on {day}",
        quiet="No trades in the last {days} days.",
    )


def players_chart(trends: OperatorTrends) -> ChartContent:
    """Players registered per UTC day over the window."""
    return _daily_chart(
        trends.days,
        "players",
        lambda point: Decimal(point.new_players),
        "{:,}".format,
        title="New players per day, last {days} days",
        summary="{total} new players in {days} days, most on {day} ({peak})",
        quiet="No new players in the last {days} days.",
    )


def _daily_chart(
    days: list[DayPoint],
    label: str,
    measure: Callable[[DayPoint], Decimal],
    shown: Callable[[Decimal], str],
    *,
    title: str,
    summary: str,
    quiet: str,
) -> ChartContent:
    """One measure per UTC day, with its total and its busiest day in words. `title`,
    `summary` and `quiet` (the summary of a window without any) are templates of `days`,
    `total`, `peak` and its `day`."""
    amounts = [measure(point) for point in days]
    total = sum(amounts, Decimal(0))
    busiest = max(range(len(days)), key=amounts.__getitem__)  # the first of equal days
    words = {
        "days": len(days),
        "total": shown(total),
        "peak": shown(amounts[busiest]),
        "day": days[busiest].day,
    }
    return ChartContent(
        title=title.format(**words),
        rows=[(label, [float(amount) for amount in amounts])],
        summary=(summary if total else quiet).format(**words),
        values=", ".join(
            f"{point.day:%m-%d} {shown(amount)}"
            for point, amount in zip(days, amounts, strict=True)
        ),
    )


def revenue_chart(trends: OperatorTrends) -> ChartContent:
    """Revenue per UTC month, and how it splits between Predictu and the operator."""
    months = trends.months
    latest = months[-1]
    summary = (
        f"{latest.month}: {money(latest.revenue)} (Predictu {money(latest.predictu_share)} · "
        f"operator {money(latest.operator_share)}); "
        f"{len(months)} months: {money(sum((month.revenue for month in months), Decimal(0)))}"
    )
    values = "\n".join(
        f"{month.month}  {money(month.revenue):>12}  Predictu {money(month.predictu_share):>10}"
        f"  operator {money(month.operator_share):>10}"
        for month in months
    )
    return ChartContent(
        title=f"Monthly revenue and its split, last {len(months)} months",
        rows=[
            ("Predictu", [float(month.predictu_share) for month in months]),
            ("operator", [float(month.operator_share) for month in months]),
        ],
        summary=summary,
        values=values,
    )
