"""The console in a real browser: headless Chromium, driven by selenium's system chromedriver.

The terminal is drawn on a canvas, so the test reads what the console sends instead: a script
installed before the page loads keeps the text of every websocket message, in order. Waiting
for a name in what arrived since a key was pressed is waiting for the screen to show it.
"""

from __future__ import annotations

import getpass
import os
import re
import shutil
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from sqlalchemy import select

from predictu_console.db.session import engine_of, make_session_factory, session_scope
from predictu_console.db.tables import AuditEntry
from predictu_console.settings import Settings
from tests.cli_runner import invoke
from tests.web.serving import web, web_env

CHROMIUM, CHROMEDRIVER = shutil.which("chromium"), shutil.which("chromedriver")
SHOTS_INTO = "PREDICTU_BROWSER_SHOTS"
"""Where the test's PNGs go: `PREDICTU_BROWSER_SHOTS=screenshots` refreshes the README's
pictures; otherwise the test's own folder, so a test run leaves the checkout as it was."""
ANSI = re.compile(r"\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b[PX^_].*?\x1b\\\\|\x1b\][^\x07]*\x07")

RECORD_WEBSOCKET_TEXT = """
window.received = "";
const decoder = new TextDecoder();
const Native = window.WebSocket;
window.WebSocket = function (url, protocols) {
  const socket = new Native(url, protocols);
  socket.addEventListener("message", (event) => {
    if (typeof event.data !== "string") {
      window.received += decoder.decode(event.data, {stream: true});
    }
  });
  return socket;
};
"""

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not (CHROMIUM and CHROMEDRIVER),
        reason="no chromium and chromedriver on PATH: `apt-get install chromium chromium-driver`"
        " (.ci/run installs them)",
    ),
]


@pytest.fixture
def browser() -> Iterator[webdriver.Chrome]:
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--window-size=1600,900"):
        options.add_argument(argument)
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(CHROMEDRIVER))
    driver.execute_cdp_cmd(
        "Page.addScriptToEvaluateOnNewDocument", {"source": RECORD_WEBSOCKET_TEXT}
    )
    try:
        yield driver
    finally:
        driver.quit()


class Screen:
    """What the console has drawn in the browser, as text, and keys to type into it."""

    def __init__(self, driver: webdriver.Chrome, pictures: Path) -> None:
        self.driver, self.pictures = driver, pictures
        self.seen = 0

    def text(self) -> str:
        """Everything the console sent since the last `wait_for`, escapes removed."""
        received: str = self.driver.execute_script("return window.received || ''")
        return ANSI.sub("", received[self.seen :])

    def wait_for(self, *words: str, timeout: float = 60) -> None:
        """Until every one of `words` has been drawn (since the previous wait)."""
        deadline = time.monotonic() + timeout
        while not all(word in self.text() for word in words):
            if time.monotonic() > deadline:
                pytest.fail(f"never drew {words}; drew:\n{self.text()[-3000:]}")
            time.sleep(0.2)
        self.seen = len(self.driver.execute_script("return window.received"))

    def type(self, keys: str) -> None:
        """Type into the terminal (xterm.js takes keys in a hidden textarea) at a person's pace:
        keys typed before a key's screen change (a focus moved) would land on the old focus."""
        self.driver.find_element(By.CSS_SELECTOR, ".xterm-helper-textarea").send_keys(keys)
        time.sleep(0.5)

    def shoot(self, name: str) -> None:
        """A PNG of the browser window into the pictures folder."""
        time.sleep(1)  # let the last frames paint
        assert self.driver.save_screenshot(str(self.pictures / name))


def test_the_browser_shows_the_console_with_the_token_and_nothing_without(
    tmp_path, database_url, browser
):
    seeded = invoke("demo", "--no-tui", env=web_env(tmp_path, database_url))
    assert seeded.returncode == 0, seeded.stderr
    with web(tmp_path, database_url) as (_server, url, _log):
        base = url.split("/?", 1)[0]
        browser.get(base)
        assert "401 Unauthorized" in browser.page_source
        assert "textual-terminal" not in browser.page_source
        assert browser.execute_script("return window.received") == ""  # no console spoke

        browser.get(url)
        assert "token=" not in browser.current_url
        screen = Screen(browser, Path(os.environ.get(SHOTS_INTO, tmp_path)))
        screen.wait_for("Example Casino", "Midnight Mirage", "Volume, 30 days")
        screen.shoot("web-operator-list.png")

        screen.type("/")
        screen.type("royal")
        screen.wait_for("search: 'royal'", "of 1 operator")
        screen.type("\n")  # leaves the search for the list
        screen.type("\n")  # opens the operator
        screen.wait_for("royalflush.bet", "Overview", "Daily volume", "in 90 days")
        screen.shoot("web-operator-detail.png")

        screen.type(Keys.TAB * 2)  # to the first chart, which then lists its values
        first = datetime.now(UTC).date() - timedelta(days=89)  # the window's first two days
        screen.wait_for(f"{first:%m-%d} ", f", {first + timedelta(days=1):%m-%d} ")
        screen.shoot("web-operator-charts.png")

        screen.type("o")
        screen.wait_for("Onboarding", "Activate")
        screen.shoot("web-onboarding-wizard.png")

        screen.type(Keys.ESCAPE)
        screen.type("a")
        screen.wait_for("Deactivate Royal Flush Gaming?")
        screen.type("y")
        screen.wait_for("is now inactive")
    _assert_audited_as_the_server_s_admin(tmp_path, database_url)


def _assert_audited_as_the_server_s_admin(tmp_path: Path, database_url: str) -> None:
    """The browser's change is audited as in the terminal: the admin, and the OS user."""
    settings = Settings(home=tmp_path / "home", database_url=database_url)
    factory = make_session_factory(settings)
    try:
        with session_scope(factory, write=False) as session:
            latest = session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
    finally:
        engine_of(factory).dispose()
    assert latest is not None and latest.action == "operator.updated"
    assert latest.changes["status"] == {"from": "active", "to": "inactive"}
    user = getpass.getuser()
    assert (latest.actor_email, latest.os_user) == (f"{user}@console.predictu.com", user)
