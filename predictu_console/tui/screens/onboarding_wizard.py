"""The onboarding wizard (`o`): eight steps from new record to active operator.

Each page does its step's real action through core, and core decides when a step is done:
the wizard only shows where the operator stands and resumes at the first open step.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.console import Group
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import (
    Button,
    ContentSwitcher,
    Input,
    Label,
    ListItem,
    ListView,
    Static,
)

from predictu_console.core.callbacks.event_types import EventType
from predictu_console.core.callbacks.ping import PingRequest, PingResult
from predictu_console.core.errors import StaleVersion, ValidationFailed
from predictu_console.core.keys import KeysGenerated
from predictu_console.core.labels import field_label
from predictu_console.core.models import ONBOARDING_STEPS, STEPS, OperatorDetail, OperatorUpdate
from predictu_console.core.validation import parse
from predictu_console.tui import legend
from predictu_console.tui.base import ConsoleScreen
from predictu_console.tui.form_values import number
from predictu_console.tui.formatting import count, percent
from predictu_console.tui.modals.confirm import ConfirmModal, leave_form
from predictu_console.tui.modals.key_rotation import KeyRotationModal
from predictu_console.tui.widgets import panels
from predictu_console.tui.widgets.branding_preview import COLOURS, branding_preview
from predictu_console.tui.widgets.console_header import ConsoleHeader
from predictu_console.tui.widgets.event_picker import EventPicker
from predictu_console.tui.widgets.form_field import (
    FormField,
    field_slug,
    parse_form,
    show_form_errors,
)
from predictu_console.tui.widgets.key_footer import KeyFooter
from predictu_console.tui.widgets.ping_verdict import verdict
from predictu_console.tui.widgets.step_indicator import step_indicator

HINTS = {
    1: "The record exists. Ctrl+S continues.",
    2: "Confirm the share even if you keep it: Ctrl+S saves it.",
    3: "Ctrl+S opens the key dialog: the secret is shown once.",
    4: "An HTTPS endpoint on the operator's side. Ctrl+S saves it.",
    5: "Ctrl+S sends the picked event, signed, to the saved URL. Only a successful PING "
    "completes this step; the other events try the operator's handler on a sample.",
    6: "Colours as #rrggbb and URLs as https://…; Ctrl+S saves the theme.",
    7: "Type an origin and press Enter to add it; Delete removes the highlighted one. "
    "Ctrl+S saves the list.",
    8: "Ctrl+S activates the operator: its players can trade.",
}


class OnboardingWizardScreen(ConsoleScreen):
    """One page per step; PgUp and PgDn move between pages, Ctrl+S does the page's step."""

    BINDINGS = [
        Binding("ctrl+s", "do_step", "Do this step", id="do-step"),
        Binding("escape", "leave", "Leave (progress is kept)", id="leave"),
        # Page keys, not letters: most pages have an input that would swallow a typed key.
        Binding("pageup", "page(-1)", "Previous step", id="previous-step"),
        Binding("pagedown", "page(1)", "Next step", id="next-step"),
        Binding("delete", "remove_origin", "Remove origin", show=False, id="remove-origin"),
    ]
    """Most important first: a narrow footer leaves out the last ones."""
    HELP_TITLE = "Onboarding wizard"
    LEGEND = (legend.STEPS,)
    QUITS = False
    CSS_PATH = "onboarding_wizard.tcss"

    def __init__(self, operator_id: str) -> None:
        super().__init__()
        self.operator_id = operator_id
        self.detail: OperatorDetail | None = None
        self.current = 0
        """The page shown, 1–8; 0 until the operator is loaded."""
        self.origins: list[str] = []

    def compose(self) -> ComposeResult:
        yield ConsoleHeader()
        yield Static("Loading…", id="wizard-title")
        yield Static(id="wizard-steps")
        with ContentSwitcher(initial="step-1", id="wizard-pages"):
            with Vertical(id="step-1"):
                yield Static(id="record-summary")
            with Vertical(id="step-2"):
                yield FormField(
                    field_label("revenue_share_predictu"), "revenue_share_predictu", hint="% (1–99)"
                )
                yield Static(id="share-preview")
            with Vertical(id="step-3"):
                yield Static(id="keys-state")
            with Vertical(id="step-4"):
                yield FormField(field_label("callback_url"), "callback_url", hint="(https://…)")
            with Vertical(id="step-5"):
                yield Static(id="ping-target")
                yield EventPicker()
                yield Static(id="ping-verdict")
            with Vertical(id="step-6"):
                colours = list(COLOURS)
                for pair in (colours[:2], colours[2:]):
                    with Horizontal(classes="field-pair"):
                        for colour in pair:
                            yield FormField(
                                field_label(f"branding.{colour}"),
                                f"branding.{colour}",
                                hint="(#rrggbb)",
                            )
                with Horizontal(classes="field-pair"):
                    for image in ("logo_url", "icon_url"):
                        field = f"branding.{image}"
                        yield FormField(field_label(field), field, hint="(optional)")
                yield Static(id="branding-preview")
            with Vertical(id="step-7"):
                yield FormField(
                    "New origin", "new_origin", hint="(https://host[:port]): Enter adds it"
                )
                yield ListView(id="origin-list")
            with Vertical(id="step-8"):
                yield Static(id="activation-summary")
        yield Static(id="wizard-hint", classes="muted")
        with Horizontal(id="wizard-buttons"):
            yield Button("Previous (PgUp)", id="previous")
            yield Button("Do this step (Ctrl+S)", id="do-step", variant="primary")
            yield Button("Next (PgDn)", id="next")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.load()

    @on(Input.Changed, "#input-revenue_share_predictu")
    def share_typed(self, event: Input.Changed) -> None:
        share = number(event.value.strip())
        if isinstance(share, str) or not 1 <= share <= 99:
            self.query_one("#share-preview", Static).update("Type a percentage from 1 to 99.")
            return
        self.query_one("#share-preview", Static).update(
            f"Predictu {percent(share)} · operator {percent(100 - share)}"
        )

    @on(Input.Changed)
    def colour_typed(self, event: Input.Changed) -> None:
        if event.input.id and event.input.id.startswith("input-branding-"):
            self._preview_branding()

    @on(Input.Submitted, "#input-new_origin")
    def origin_submitted(self, event: Input.Submitted) -> None:
        try:
            update = parse(OperatorUpdate, {"allowed_origins": [*self.origins, event.value]})
        except ValidationFailed:
            show_form_errors(
                self, {"new_origin": "must be an origin such as https://www.casino.com"}
            )
            return
        show_form_errors(self, {})
        if isinstance(update.allowed_origins, list):
            self.origins = update.allowed_origins
        event.input.value = ""
        self._show_origins()

    @on(Button.Pressed, "#do-step")
    def action_do_step(self) -> None:
        if self.detail is None:
            return
        actions: dict[int, Callable[[], None]] = {
            1: lambda: self.action_page(1),
            2: self._save_share,
            3: self._open_keys,
            4: self._save_callback,
            5: self._send_ping,
            6: self._save_branding,
            7: self._save_origins,
            8: self._activate,
        }
        actions[self.current]()

    @on(Button.Pressed, "#previous")
    def previous(self) -> None:
        self.action_page(-1)

    @on(Button.Pressed, "#next")
    def next(self) -> None:
        self.action_page(1)

    def action_page(self, step: int) -> None:
        if self.detail is not None and 1 <= self.current + step <= len(ONBOARDING_STEPS):
            self._show_page(self.current + step)

    def action_leave(self) -> None:
        """Leave at once, or ask first when leaving would lose what was typed and not saved."""
        unsaved_origins = self.detail is not None and self.origins != self.detail.allowed_origins
        leave_form(
            self, self.app.pop_screen, also_changed=["Allowed origins"] if unsaved_origins else []
        )

    def action_remove_origin(self) -> None:
        listing = self.query_one("#origin-list", ListView)
        if self.current == 7 and listing.index is not None and self.origins:
            del self.origins[listing.index]
            self._show_origins()

    def _field(self, field: str) -> str:
        return next(f.value for f in self.query(FormField) if f.field == field)

    def _save_share(self) -> None:
        self._save({"revenue_share_predictu": number(self._field("revenue_share_predictu"))})

    def _save_callback(self) -> None:
        url = self._field("callback_url")
        if not url:
            show_form_errors(self, {"callback_url": "enter the operator's HTTPS callback URL"})
            return
        self._save({"callback_url": url})

    def _save_branding(self) -> None:
        branding: dict[str, Any] = {c: self._field(f"branding.{c}") for c in COLOURS}
        for url in ("logo_url", "icon_url"):
            branding[url] = self._field(f"branding.{url}") or None
        self._save({"branding": branding})

    def _save_origins(self) -> None:
        if not self.origins:
            show_form_errors(self, {"new_origin": "add at least one origin"})
            return
        self._save({"allowed_origins": self.origins})

    def _save(self, body: dict[str, Any]) -> None:
        data = parse_form(self, OperatorUpdate, body)
        if data is not None:
            assert self.detail is not None
            self.save(data, self.detail.version)

    def _activate(self) -> None:
        detail = self.detail
        assert detail is not None
        if detail.status != "onboarding":
            self.notify(f"{detail.name} is already {detail.status}.", timeout=4)
            return
        ready = all(detail.onboarding_checklist[step].complete for step in ONBOARDING_STEPS[:-1])
        if not ready:  # core refuses, naming the open steps: nothing to confirm
            self._save({"status": "active"})
            return
        body = (
            "Its players can trade from now on, and the operator is sent an "
            "OPERATOR_STATUS_CHANGED callback."
        )

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._save({"status": "active"})

        question = ConfirmModal(f"Activate {detail.name}?", body, confirm_label="Activate")
        self.app.push_screen(question, confirmed)

    def _open_keys(self) -> None:
        detail = self.detail
        assert detail is not None
        modal = KeyRotationModal(detail.id, detail.name, has_keys=bool(detail.api_keys))

        def closed(generated: KeysGenerated | None) -> None:
            self.load(advance=generated is not None)

        self.app.push_screen(modal, closed)

    def _send_ping(self) -> None:
        event = self.query_one(EventPicker).event
        self.query_one("#ping-verdict", Static).update(
            Text(f"Sending the signed {event}…", style="italic")
        )
        self.ping(PingRequest(event=event))

    def show(self, detail: OperatorDetail, advance: bool) -> None:
        """Fill every page from the operator as core sees it; resume at the first open step.

        After a save (`advance`) the saved page shows the stored values; what was typed on
        the other pages and not saved yet stays as typed.
        """
        previous, self.detail = self.detail, detail
        first_load = previous is None
        saved_page = self.query_one(f"#step-{self.current}") if advance and self.current else None

        def refill(field: str, stored: str) -> None:
            form_field = self.query_one(f"#field-{field_slug(field)}", FormField)
            form_field.refill(stored, overwrite=saved_page in form_field.ancestors)

        self.query_one("#wizard-title", Static).update(
            Text.assemble(
                ("Onboarding ", "bold"),
                (detail.name, "bold"),
                f"  {detail.domain}  ",
                f"{detail.onboarding_step} of 8 steps done",
            )
        )
        self.query_one("#record-summary", Static).update(panels.overview(detail))
        refill("revenue_share_predictu", percent(detail.revenue_share_predictu).rstrip("%"))
        self.query_one("#keys-state", Static).update(
            f"{count(len(detail.api_keys), 'key pair')}; the current one is "
            f"{detail.api_keys[0].key_id}."
            if detail.api_keys
            else "No keys yet: Ctrl+S opens the key dialog."
        )
        refill("callback_url", detail.callback_url or "")
        self._show_ping_target(
            detail,
            url_changed=previous is not None and previous.callback_url != detail.callback_url,
        )
        for colour in COLOURS:
            refill(f"branding.{colour}", getattr(detail.branding, colour))
        refill("branding.logo_url", detail.branding.logo_url or "")
        refill("branding.icon_url", detail.branding.icon_url or "")
        origins_saved = self.current == 7 and advance
        if previous is None or origins_saved or self.origins == previous.allowed_origins:
            self.origins = list(detail.allowed_origins)
            self._show_origins()
        self.query_one("#activation-summary", Static).update(
            Group(
                panels.overview(detail),
                Text(""),
                panels.origins(detail),
                Text(""),
                panels.onboarding(detail),
            )
        )
        open_steps = [
            n
            for n, s in enumerate(ONBOARDING_STEPS, 1)
            if not detail.onboarding_checklist[s].complete
        ]
        if first_load or advance:
            target = open_steps[0] if open_steps else len(ONBOARDING_STEPS)
            self._show_page(target if first_load else max(target, self.current))
        else:
            self._show_page(self.current)

    def _show_page(self, page: int) -> None:
        self.current = page
        assert self.detail is not None
        switcher = self.query_one("#wizard-pages", ContentSwitcher)
        changed = switcher.current != f"step-{page}"
        switcher.current = f"step-{page}"
        if changed or self.focused is None:
            inputs = self.query_one(f"#step-{page}").query("Input, Select")
            (inputs.first() if inputs else self.query_one("#do-step", Button)).focus()
        self._show_steps()
        step = STEPS[page - 1]
        done = " (done)" if self.detail.onboarding_checklist[step.id].complete else ""
        self.query_one("#wizard-hint", Static).update(
            f"Step {page}: {step.label}{done}. {HINTS[page]}"
        )

    def on_resize(self) -> None:
        if self.detail is not None:
            self._show_steps()

    def _show_steps(self) -> None:
        """The step strip, as wide as the screen allows (less its padding)."""
        assert self.detail is not None
        strip = step_indicator(self.detail, self.current, self.size.width - 2)
        self.query_one("#wizard-steps", Static).update(strip)

    def _show_ping_target(self, detail: OperatorDetail, *, url_changed: bool) -> None:
        """Where step 5 sends; a result shown for an earlier URL goes, as it says nothing of
        this one (core starts the new URL's health afresh, too)."""
        if url_changed:
            self.query_one("#ping-verdict", Static).update("")
        if not detail.callback_url:
            target = "Sends to: — set the callback URL first (step 4)"
        elif detail.callback_status == "unknown":
            target = f"Sends to: {detail.callback_url} (not tested yet)"
        else:
            target = f"Sends to: {detail.callback_url}"
        self.query_one("#ping-target", Static).update(target)

    def _show_origins(self) -> None:
        listing = self.query_one("#origin-list", ListView)
        listing.clear()
        listing.extend(ListItem(Label(origin)) for origin in self.origins)

    def _preview_branding(self) -> None:
        values = {
            colour: self.query_one(f"#input-branding-{colour}", Input).value.strip()
            for colour in COLOURS
        }
        self.query_one("#branding-preview", Static).update(branding_preview(values))

    @work(thread=True, exclusive=True, group="wizard", exit_on_error=False)
    def load(self, advance: bool = False) -> None:
        detail = self.console.gateway.get_operator(self.operator_id)
        self.app.call_from_thread(self.show, detail, advance)

    @work(thread=True, exclusive=True, group="wizard", exit_on_error=False)
    def save(self, data: OperatorUpdate, version: int) -> None:
        try:
            saved = self.console.gateway.update_operator(self.operator_id, data, version)
        except StaleVersion as error:
            # Someone else changed the operator: say so, then reload it. Any other refusal
            # fails the worker for the one error handler and keeps the page as typed, so the
            # admin fixes the value instead of typing it again.
            self.app.call_from_thread(self.console.show_error, error)
            self.app.call_from_thread(self.load)
            return
        if "status" in saved.changes:
            name = saved.operator.name
            self.app.call_from_thread(
                self.notify, f"{name} is active: its players can trade.", title="Activated"
            )
        self.app.call_from_thread(self.load, True)

    @work(thread=True, exclusive=True, group="wizard", exit_on_error=False)
    def ping(self, data: PingRequest) -> None:
        try:
            result = self.console.gateway.test_callback(self.operator_id, data)
        except Exception:
            # The app shows why (no key, no URL); "Sending…" must not linger as if in flight.
            self.app.call_from_thread(self._ping_failed)
            raise
        self.app.call_from_thread(self._pinged, result, data.event)

    def _ping_failed(self) -> None:
        self.query_one("#ping-verdict", Static).update("")

    def _pinged(self, result: PingResult, event: EventType) -> None:
        self.query_one("#ping-verdict", Static).update(verdict(result, event))
        # A PING moves the URL's health, and completes the step when it succeeds; other
        # events leave nothing to reload.
        if event == "PING":
            self.load(advance=result.success)
