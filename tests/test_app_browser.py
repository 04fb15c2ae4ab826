"""The desktop app as a person uses it: Chromium in a real window on Xvfb, in ja and en.

`precheck app` opens the page through Python's webbrowser (BROWSER names a script that hands the
address to the test, which opens it in a Selenium-driven Chromium). The test starts the check,
waits for the result, saves the report, books to the email draft, checks every screen with
axe-core (no serious or critical violation), and closes the page, after which the app must stop.
Screenshots of each screen go to tests/artifacts/app-<lang>-<screen>.png.
"""

from __future__ import annotations

import email
import email.policy
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from precheck.catalogue import load_catalogue
from precheck.messages import ui_text
from tests import browser, xvfb
from tests.conftest import local_profile_text, need, precheck_env

ROOT = Path(__file__).resolve().parents[1]
AXE = ROOT / "tests" / ".node" / "node_modules" / "axe-core" / "axe.min.js"
WAIT = 180.0


@pytest.fixture
def display() -> Iterator[str]:
    reason = browser.unavailable_reason() or xvfb.unavailable_reason()
    need(reason is None, reason or "")
    with xvfb.virtual_display() as name:
        yield name


PHONE_PAGE = "https://localhost:1/check?from=app"
"""The office's self-check page in the Japanese run's profile: only shown as a QR code and a
link, never visited (nothing listens on port 1)."""


def start_app(
    tmp_path: Path, lang: str, profile: Path | None = None
) -> tuple[subprocess.Popen[str], str]:
    """`precheck app` as a double-click starts it; returns the process and the address it
    handed to the 'browser'."""
    handed = tmp_path / "url.txt"
    opener = tmp_path / "browser.sh"
    part = f"{handed}.part"
    opener.write_text(f'#!/bin/sh\nprintf "%s\\n" "$1" > {part} && mv {part} {handed}\n')
    opener.chmod(0o755)
    env = precheck_env(
        lang=lang,
        env={
            "BROWSER": str(opener),
            # no default mail or calendar program can exist in these folders: nothing launches
            "XDG_CONFIG_HOME": str(tmp_path / "xdg-config"),
            "XDG_DATA_HOME": str(tmp_path / "xdg-data"),
            **({"PRECHECK_PROFILE": str(profile)} if profile else {}),
        },
    )
    # Japanese: as a double-click starts it (no arguments; the language from the environment);
    # English: the subcommand with its option
    args = [] if lang == "ja" else ["app", "--lang", lang]
    process = subprocess.Popen(
        [sys.executable, "-m", "precheck", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not handed.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            out, err = process.communicate()
            pytest.fail(f"the app handed no address to the browser: {out}{err}")
        time.sleep(0.05)
    return process, handed.read_text().strip()


def axe_violations(driver: Any) -> list[dict[str, Any]]:
    """Serious and critical axe-core violations on the page as it is now."""
    driver.execute_script(AXE.read_text(encoding="utf-8"))
    found: list[dict[str, Any]] = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']}).then(r => done(r.violations));"
    )
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["html"][:120] for n in v["nodes"]]}
        for v in found
        if v["impact"] in ("serious", "critical")
    ]


def visible(driver: Any, element_id: str) -> bool:
    from selenium.webdriver.common.by import By

    return bool(driver.find_element(By.ID, element_id).is_displayed())


def wait_for(driver: Any, element_id: str, timeout: float = WAIT) -> Any:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, timeout).until(lambda d: visible(d, element_id))
    return driver.find_element(By.ID, element_id)


def text(key: str, lang: str) -> str:
    return ui_text(key).get(lang)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_check_and_book_in_a_real_window(lang: str, display: str, tmp_path: Path) -> None:
    need(AXE.exists(), f"{AXE} is missing (tests/run.sh installs axe-core from npm)")
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    catalogue = load_catalogue()
    reports = Path(os.environ["PRECHECK_REPORTS_DIR"])
    profile = None
    if lang == "ja":  # an office with a phone self-check page; the English run has none
        profile = tmp_path / "profile.toml"
        local = local_profile_text()
        with_page = re.sub(r'(\[selfcheck\][^\[]*?\nurl = )""', rf'\1"{PHONE_PAGE}"', local)
        assert with_page != local
        profile.write_text(with_page, encoding="utf-8")
    process, url = start_app(tmp_path, lang, profile)
    shots = f"app-{lang}"
    try:
        with browser.chromium(downloads=tmp_path / "dl", display=display, lang=lang) as driver:
            driver.get(url)
            # the one-time token is traded for a cookie and leaves the address bar
            assert "?t=" not in driver.current_url
            start = wait_for(driver, "screen-start")
            assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == lang
            assert text("app.start.privacy", lang) in start.text
            listed = driver.find_elements(By.CSS_SELECTOR, "#start-list li")
            assert [li.text for li in listed] == [s.title.get(lang) for s in catalogue.ordered()]
            assert axe_violations(driver) == []
            browser.screenshot(driver, f"{shots}-1-start")

            driver.find_element(By.ID, "start").send_keys(Keys.SPACE)  # the keyboard alone
            wait_for(driver, "screen-checks")
            browser.screenshot(driver, f"{shots}-2-running")
            overall = wait_for(driver, "overall")
            heading = driver.find_element(By.ID, "checks-h").text
            assert heading == text("app.result.heading", lang)
            code = overall.get_attribute("class").split()[-1]
            assert overall.text == text(f"overall.{code}", lang)
            items = driver.find_elements(By.CSS_SELECTOR, "#items li.item h3")
            assert len(items) == len(catalogue.checks)
            labels = {text(f"status.{s}", lang) for s in ("PASS", "WARN", "FAIL", "UNKNOWN")}
            labels.add(text("status.SKIPPED", lang))
            for item in items:
                symbol, label = item.text[0], item.text[1:].split("：")[0].strip()
                assert symbol in "✓⚠✗?-" and label in labels, item.text
            assert axe_violations(driver) == []
            browser.screenshot(driver, f"{shots}-3-result")
            # 200 % zoom of a 1280 px window is 640 CSS px: the page reflows, no sideways scroll
            driver.set_window_size(640, 900)
            assert driver.execute_script(
                "return document.documentElement.scrollWidth <= window.innerWidth"
            )
            driver.set_window_size(1280, 900)

            if lang == "ja":  # the switch re-renders the same screen in the other language
                driver.find_element(By.ID, "lang").click()
                en_heading = text("app.result.heading", "en")
                WebDriverWait(driver, 30).until(
                    lambda d: d.find_element(By.ID, "checks-h").text == en_heading
                )
                assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
                driver.find_element(By.ID, "lang").click()
                WebDriverWait(driver, 30).until(
                    lambda d: d.find_element(By.ID, "checks-h").text == heading
                )

            again = driver.find_elements(By.CSS_SELECTOR, "button[data-again]")
            if again:  # check one item again: its result comes back, the others stay
                runs = int(driver.find_element(By.ID, "items").get_attribute("data-runs"))
                again[0].click()
                WebDriverWait(driver, WAIT).until(
                    lambda d: (
                        d.find_element(By.ID, "items").get_attribute("data-runs") == str(runs + 1)
                        and d.find_element(By.ID, "overall").is_displayed()
                    )
                )
                assert len(driver.find_elements(By.CSS_SELECTOR, "#items li.item")) == len(
                    catalogue.checks
                )
            else:
                assert all(symbol in "✓-" for symbol in (i.text[0] for i in items))

            driver.find_element(By.ID, "save").click()
            saved = wait_for(driver, "report-lines")
            assert str(reports) in saved.text
            from precheck.report.verify import verify_file

            made = sorted(reports.glob("*.json"))
            assert len(made) == 1 and verify_file(made[0]).state == "valid"

            driver.find_element(By.ID, "book").click()
            wait_for(driver, "screen-book")
            if profile is None:
                assert not visible(driver, "book-phone")
            else:  # what a phone's camera reads from the screen is the office's page
                qr = wait_for(driver, "phone-qr")
                WebDriverWait(driver, 30).until(
                    lambda d: d.execute_script("return arguments[0].naturalWidth", qr) > 0
                )
                assert browser.decode_qr(qr.screenshot_as_png) == PHONE_PAGE
                link = driver.find_element(By.ID, "phone-link")
                assert link.get_attribute("href") == PHONE_PAGE == link.text
                assert qr.get_attribute("alt") == text("app.book.phone-alt", lang)
            driver.find_element(By.ID, "book-send").send_keys(Keys.SPACE)  # nothing filled in
            errors = wait_for(driver, "book-errors")
            assert text("booking.cli.label.name", lang) in errors.text
            assert driver.find_element(By.ID, "f-name").get_attribute("aria-invalid") == "true"
            assert axe_violations(driver) == []
            browser.screenshot(driver, f"{shots}-4-book-errors")

            fill = {
                "f-name": "山田 花子" if lang == "ja" else "Hanako Yamada",
                "f-job_seeker_number": "16050-1234567",
                "f-email": "hanako@example.jp",
                "f-phone": "090-1234-5678",
                "f-topic": "応募書類の書き方" if lang == "ja" else "Writing my CV",
            }
            for element_id, value in fill.items():
                field = driver.find_element(By.ID, element_id)
                field.clear()
                field.send_keys(value)
            driver.find_element(By.CSS_SELECTOR, "#suggestions button").click()
            driver.find_element(By.ID, "f-private_room").send_keys(Keys.SPACE)
            driver.find_element(By.ID, "book-check").click()
            ok = text("app.book.ok", lang)
            WebDriverWait(driver, 30).until(lambda d: d.find_element(By.ID, "book-ok").text == ok)
            driver.find_element(By.ID, "f-consent").send_keys(Keys.SPACE)
            assert axe_violations(driver) == []
            browser.screenshot(driver, f"{shots}-5-book")

            driver.find_element(By.ID, "book-send").send_keys(Keys.SPACE)
            booked = wait_for(driver, "screen-booked")
            assert driver.find_element(By.ID, "booked-h").text == text(
                "app.book.done-heading", lang
            )
            drafts = sorted(reports.glob("precheck-booking-*.eml"))
            assert len(drafts) == 1 and drafts[0].name in booked.text
            assert len(sorted(reports.glob("precheck-booking-*.ics"))) == 1
            message = email.message_from_bytes(drafts[0].read_bytes(), policy=email.policy.default)
            assert message["X-Unsent"] == "1"
            body = message.get_body(("plain",))
            assert body is not None and fill["f-name"] in body.get_content()
            # the saved report has no job seeker number, so the booking signed the shown results
            # again for this number (as `precheck book` does) and attached that one
            signed = sorted(reports.glob("*.json"), key=lambda p: p.stat().st_mtime)[-1]
            assert signed != made[0]
            assert verify_file(signed, job_seeker_number="16050-1234567").state == "valid"
            names = [p.get_filename() for p in message.iter_attachments()]
            assert signed.name in names, names
            assert axe_violations(driver) == []
            browser.screenshot(driver, f"{shots}-6-booked")

            driver.get("about:blank")  # the page is closed: it says goodbye, the app stops
            out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, err
    assert text("app.cli.stopped.closed", lang) in out, out
    assert "Traceback" not in err
