"""The counselors' dashboard in a real browser (Debian's headless Chromium via Selenium).

A booking arrives through the real intake API over TLS; a counselor signs in, reads the day,
opens the booking, confirms it, checks emailed reports, saves the CSV and signs out — then
the failures: a wrong password, a locked name, a page without a session, a form without its
CSRF token, a name that is a script. Each page is saved as a PNG under tests/artifacts/.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from precheck.office.dashboard import lockout
from precheck.office.dashboard.accounts import add_user
from tests import browser
from tests.conftest import need
from tests.dashboard_kit import NUMBER, PASSWORD, Office, booking_payload, write_report_file
from tests.intake_data import signed_report
from tests.liveserver import serve
from tests.tlsca import LocalCA, make_ca

WAIT = 20


@dataclass
class Site:
    base: str
    ca: LocalCA
    app: Any


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    need(browser.unavailable_reason() is None, str(browser.unavailable_reason()))
    from precheck.office.app import create_app
    from precheck.office.settings import make_settings

    ca = make_ca(tmp_path / "tls")
    app = create_app(make_settings(data_dir=tmp_path / "office"))
    add_user(app.state.office.database, "sato", PASSWORD)
    add_user(app.state.office.database, "suzuki", PASSWORD)
    with serve(app, tls=ca) as base:
        yield Site(base=base, ca=ca, app=app)


@pytest.fixture
def driver(site: Site, tmp_path: Path) -> Iterator[Any]:
    with browser.chromium(downloads=tmp_path / "downloads", trust_cert=site.ca.server_cert) as d:
        yield d


def book(site: Site, **kw: Any) -> dict[str, Any]:
    office = Office(base=site.base, verify=str(site.ca.ca_cert), app=site.app)
    answer = office.book(booking_payload(**kw))
    assert answer.status_code == 201, answer.text
    body: dict[str, Any] = answer.json()
    return body


def replaced(element: Any) -> Any:
    """A wait condition: `element`'s page is gone.

    Selenium's staleness_of only expects StaleElementReferenceException, but Chromium may
    answer "Node with given id does not belong to the document" (a plain WebDriverException)
    for the same fact while the new page loads.
    """
    from selenium.common.exceptions import WebDriverException

    def gone(_driver: Any) -> bool:
        try:
            element.is_enabled()
        except WebDriverException:
            return True
        return False

    return gone


def wait_for(driver: Any, css: str, text: str | None = None) -> Any:
    """The element once it is there (with `text`); a page still navigating is waited out."""
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    locator = (By.CSS_SELECTOR, css)
    # mid-navigation Chromium may answer "node does not belong to the document": try again
    waiting = WebDriverWait(driver, WAIT, ignored_exceptions=(WebDriverException,))
    if text is not None:
        waiting.until(ec.text_to_be_present_in_element(locator, text))
    else:
        waiting.until(ec.presence_of_element_located(locator))
    return driver.find_element(*locator)


def sign_in(driver: Any, site: Site, name: str, password: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    if "/login" not in driver.current_url:
        driver.get(f"{site.base}/login")
    wait_for(driver, "#password")
    page = driver.find_element(By.TAG_NAME, "html")
    field = driver.find_element(By.ID, "name")
    field.clear()
    field.send_keys(name)
    driver.find_element(By.ID, "password").send_keys(password + Keys.ENTER)
    WebDriverWait(driver, WAIT).until(replaced(page))  # the answer page has replaced it


def test_a_counselors_day(site: Site, driver: Any, tmp_path: Path) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    book(site, interpreter="手話通訳者が同席します")
    book(site, number="11111-2", name="佐藤 花子")
    driver.get(f"{site.base}/")
    wait_for(driver, "h1", "ログイン")
    assert "/login?next=" in driver.current_url
    browser.screenshot(driver, "01-login")

    # keyboard only: the name field has focus, Tab goes to the password, Enter signs in
    assert driver.switch_to.active_element.get_attribute("id") == "name"
    driver.switch_to.active_element.send_keys("sato" + Keys.TAB)
    assert driver.switch_to.active_element.get_attribute("id") == "password"
    driver.switch_to.active_element.send_keys(PASSWORD + Keys.ENTER)

    wait_for(driver, "h1", "予約一覧")
    # the first Tab reaches the skip link, whose Enter moves the focus to the content
    ActionChains(driver).send_keys(Keys.TAB).perform()
    assert driver.switch_to.active_element.get_attribute("class") == "skip"
    ActionChains(driver).send_keys(Keys.ENTER).perform()
    assert driver.switch_to.active_element.get_attribute("id") == "main"
    wait_for(driver, "tbody tr")
    rows = driver.find_elements(By.CSS_SELECTOR, "tbody tr")
    assert len(rows) == 2
    row = next(r for r in rows if "山田 太郎" in r.text)
    assert NUMBER in row.text and "✓ 有効" in row.text
    cookies = {c["name"]: c for c in driver.get_cookies()}
    session = cookies["precheck_session"]
    assert session["secure"] and session["httpOnly"] and session["sameSite"] == "Lax"
    browser.screenshot(driver, "02-day-view")
    # every day's table has the same column widths: a copy with other words lines up
    lefts = driver.execute_script(
        """
        const table = document.querySelector('table.day');
        const copy = table.cloneNode(true);
        copy.querySelectorAll('tbody td, tbody th').forEach((c, i) => {
          c.textContent = i % 2 ? 'x' : '長い名前の相談者 '.repeat(6);
        });
        table.parentNode.appendChild(copy);
        const cols = t => [...t.querySelectorAll('thead th')].map(
          c => Math.round(c.getBoundingClientRect().left));
        const both = [cols(table), cols(copy)];
        copy.remove();
        return both;
        """
    )
    assert lefts[0] == lefts[1], f"columns move with the content: {lefts}"
    assert driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")

    # 200 % zoom: half the CSS width; the page reflows instead of scrolling sideways
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": 640, "height": 900, "deviceScaleFactor": 2, "mobile": False},
    )
    driver.refresh()
    wait_for(driver, "h1", "予約一覧")
    assert driver.execute_script(
        "return document.documentElement.scrollWidth <= window.innerWidth + 1"
    )
    browser.screenshot(driver, "02b-day-view-200pct")
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})

    driver.find_element(By.LINK_TEXT, "English").click()
    wait_for(driver, "h1", "Bookings")
    browser.screenshot(driver, "02c-day-view-en")
    driver.find_element(By.LINK_TEXT, "日本語").click()
    wait_for(driver, "h1", "予約一覧")

    driver.find_element(By.LINK_TEXT, "山田 太郎").click()
    wait_for(driver, "h1", "予約の詳細")
    assert "手話通訳者が同席します" in driver.find_element(By.TAG_NAME, "main").text
    assert not driver.find_elements(By.TAG_NAME, "iframe"), "no frame that scrolls on its own"
    shown = driver.find_element(By.TAG_NAME, "main").text
    assert "✓ OK" not in shown
    badges = driver.find_elements(By.CSS_SELECTOR, "section[aria-labelledby=report] li .badge")
    words = {"問題なし", "注意", "要対応", "確認できませんでした", "確認していません"}
    assert badges and {b.text for b in badges} <= words, "the dashboard's words for a status"
    browser.screenshot(driver, "03-booking")
    driver.find_element(By.CSS_SELECTOR, "a.report-page").click()
    wait_for(driver, "body", "ハローワーク砺波")
    browser.screenshot(driver, "03b-report-page")
    driver.back()
    wait_for(driver, "h1", "予約の詳細")

    radios = driver.find_elements(By.CSS_SELECTOR, "input[name=slot]")
    assert len(radios) == 2
    radios[1].click()
    driver.find_element(By.XPATH, "//button[contains(., '予約を確定し')]").click()
    wait_for(driver, ".flash", "記録しました: 確定・日時と URL を送付済み")
    history = driver.find_element(By.CSS_SELECTOR, "section[aria-labelledby=actions] table")
    assert "sato" in history.text
    browser.screenshot(driver, "04-confirmed")

    # a report that came by email: the right one, and a tampered copy
    right = signed_report(NUMBER)
    tampered = json.loads(json.dumps(right))
    tampered["job_seeker_number_sha256"] = "0" * 64  # edited after signing
    folder = tmp_path / "mail"
    files = [
        write_report_file(folder, right, "precheck-report.json"),
        write_report_file(folder, tampered, "precheck-report-edited.json"),
    ]
    driver.find_element(By.LINK_TEXT, "メールで届いたレポートの確認").click()
    wait_for(driver, "h1", "メールで届いたレポートの確認")
    browser.screenshot(driver, "05-upload")
    dropped = driver.execute_script(
        """
        const files = new DataTransfer();
        files.items.add(new File(['{}'], 'dropped.json', {type: 'application/json'}));
        const zone = document.getElementById('dropzone');
        zone.dispatchEvent(new DragEvent('dragover', {dataTransfer: files, bubbles: true}));
        const over = zone.classList.contains('over');
        zone.dispatchEvent(new DragEvent('drop', {dataTransfer: files, bubbles: true}));
        return [over, document.getElementById('reports').files.length];
        """
    )
    assert dropped == [True, 1], "a dropped file fills the file field"
    wait_for(driver, "#chosen", "dropped.json")
    driver.find_element(By.ID, "reports").send_keys("\n".join(str(f) for f in files))
    wait_for(driver, "#chosen", "precheck-report-edited.json")
    driver.find_element(By.XPATH, "//button[contains(., '確認する')]").click()
    results = wait_for(driver, "#results")
    articles = driver.find_elements(By.CSS_SELECTOR, "article.result")
    assert "✓ 有効" in articles[0].text
    assert "改ざん・署名不正" in articles[1].text
    assert results.text
    browser.screenshot(driver, "06-upload-results")
    # the booking to attach to is shown whole, also at 360 px (a <select> cut it short)
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": 360, "height": 800, "deviceScaleFactor": 1, "mobile": False},
    )
    choice = driver.find_element(By.CSS_SELECTOR, "label.choice")
    assert f"山田 太郎 ({NUMBER})" in choice.text
    assert driver.execute_script(
        "const r = arguments[0].getBoundingClientRect();"
        "return arguments[0].scrollWidth <= arguments[0].clientWidth + 1"
        " && r.right <= window.innerWidth;",
        choice,
    ), "the choice's text fits its label"
    driver.execute_script("arguments[0].scrollIntoView()", choice)
    browser.screenshot(driver, "06b-upload-results-360")
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})

    # the day's CSV, downloaded by the browser
    driver.find_element(By.LINK_TEXT, "予約一覧").click()
    wait_for(driver, "h1", "予約一覧")
    link = driver.find_element(By.PARTIAL_LINK_TEXT, "の予約を CSV で保存")
    link.click()
    downloads = tmp_path / "downloads"
    deadline = time.monotonic() + WAIT
    saved: list[Path] = []
    while time.monotonic() < deadline:
        saved = [p for p in downloads.glob("bookings-*.csv")]
        if saved:
            break
        time.sleep(0.1)
    assert saved, "the CSV was not downloaded"
    data = saved[0].read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and "山田 太郎".encode() in data
    assert "佐藤 花子".encode() in data

    # the audit log at 360 px: one card per entry, each cell as wide as the screen (as a
    # 5-column table its headers broke one character per line)
    driver.find_element(By.LINK_TEXT, "操作記録").click()
    wait_for(driver, "h1", "操作記録")
    browser.screenshot(driver, "07a-audit")
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": 360, "height": 800, "deviceScaleFactor": 1, "mobile": False},
    )
    driver.refresh()
    wait_for(driver, "h1", "操作記録")
    assert driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
    narrowest = driver.execute_script(
        "return Math.min(...[...document.querySelectorAll('table.audit tbody td')]"
        ".filter(c => c.offsetParent).map(c => c.getBoundingClientRect().width))"
    )
    assert narrowest > 250, f"audit cells are {narrowest} px wide at 360 px"
    assert driver.execute_script(
        "return document.querySelector('table.audit thead').getBoundingClientRect().height <= 1"
    ), "the column headers give way to a label in each card"
    browser.screenshot(driver, "07b-audit-360")
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})

    driver.find_element(By.XPATH, "//button[contains(., 'ログアウト')]").click()
    wait_for(driver, ".flash", "ログアウトしました")
    browser.screenshot(driver, "07-signed-out")
    driver.get(f"{site.base}/")
    wait_for(driver, "h1", "ログイン")


def test_failures_a_counselor_may_meet(site: Site, driver: Any) -> None:
    from selenium.webdriver.common.by import By

    evil = "<script>window.owned = 1; document.title = 'owned'</script>"
    book(site, name=evil)

    # a page opened without a session goes to the sign-in page, and back after it
    driver.get(f"{site.base}/bookings/1")
    wait_for(driver, "h1", "ログイン")
    browser.screenshot(driver, "10-no-session")
    sign_in(driver, site, "suzuki", PASSWORD)
    wait_for(driver, "h1", "予約の詳細")
    assert driver.current_url.endswith("/bookings/1")

    # the script in the name is shown as text and never runs
    name = driver.find_element(By.XPATH, "//dt[.='氏名']/following-sibling::dd[1]")
    assert name.text == evil
    assert driver.execute_script("return window.owned === undefined")
    assert driver.title != "owned"
    browser.screenshot(driver, "11-script-name-as-text")
    driver.find_element(By.LINK_TEXT, "予約一覧に戻る").click()
    wait_for(driver, "h1", "予約一覧")
    assert evil in driver.find_element(By.CSS_SELECTOR, "tbody").text
    assert driver.execute_script("return window.owned === undefined")

    # a form posted without its CSRF token is refused and changes nothing
    driver.get(f"{site.base}/bookings/1")
    wait_for(driver, "h1", "予約の詳細")
    driver.execute_script(
        "document.querySelectorAll('input[name=csrf_token]').forEach(e => e.remove())"
    )
    driver.find_element(By.XPATH, "//button[contains(., '電話でキャンセル')]").click()
    wait_for(driver, "h1", "画面の有効期限が切れた")
    browser.screenshot(driver, "12-csrf-refused")
    driver.get(f"{site.base}/bookings/1")
    wait_for(driver, "dl.fields", "受付（未確定）")

    driver.find_element(By.XPATH, "//button[contains(., 'ログアウト')]").click()
    wait_for(driver, ".flash", "ログアウトしました")

    # a wrong password, then the lock
    sign_in(driver, site, "sato", "not the password")
    wait_for(driver, ".error", "名前またはパスワードが違います")
    assert driver.find_element(By.ID, "name").get_attribute("value") == "sato"
    browser.screenshot(driver, "13-wrong-password")
    for attempt in range(lockout.FREE_FAILURES - 1):
        sign_in(driver, site, "sato", f"still wrong {attempt}")
        wait_for(driver, ".error")
    wait_for(driver, ".error", "ログインできません")
    sign_in(driver, site, "sato", PASSWORD)
    wait_for(driver, ".error", "ログインできません")
    assert "/login" in driver.current_url
    browser.screenshot(driver, "14-locked")
