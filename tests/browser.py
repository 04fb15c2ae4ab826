"""Debian's headless Chromium driven by Selenium, for tests that use pages as a person would.

The browser and its driver are the system's (`chromium`, `chromium-driver`, installed by
tests/run.sh): the driver path is given explicitly, so Selenium Manager never runs and nothing
is downloaded. Every profile is fresh and every background service (updates, sync, safe
browsing lists) is off, so the only traffic is to the service under test on 127.0.0.1.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
"""Screenshots for a person to look at (ignored by git)."""


def unavailable_reason() -> str | None:
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[dev]')"
    for path in (CHROMIUM, CHROMEDRIVER):
        if not path.exists():
            return f"{path} is missing (apt-get install chromium chromium-driver)"
    return None


def spki_pin(cert_file: Path) -> str:
    """Base64 SHA-256 of a certificate's public key, for --ignore-certificate-errors-spki-list.

    That flag makes Chromium trust exactly this test certificate (and nothing else), since a
    throwaway profile cannot have the test CA installed without root and NSS tools.
    """
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    cert = x509.load_pem_x509_certificate(cert_file.read_bytes())
    spki = cert.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return base64.b64encode(hashlib.sha256(spki).digest()).decode("ascii")


@contextlib.contextmanager
def chromium(
    *,
    downloads: Path,
    trust_cert: Path | None = None,
    width: int = 1280,
    height: int = 900,
    extra: Sequence[str] = (),
    mobile: dict[str, Any] | None = None,
    display: str | None = None,
    lang: str = "ja",
) -> Iterator[Any]:
    """A Chromium WebDriver with a fresh profile; quit and removed afterwards.

    Headless, unless `display` names an X display (e.g. Xvfb's) to show a real window on.
    `extra` adds command-line switches (fake camera and microphone); `mobile` is ChromeDriver's
    `mobileEmulation` (device metrics, user agent and client hints of a phone)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = Path(tempfile.mkdtemp(prefix="precheck-chromium-"))
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    if display is None:
        options.add_argument("--headless=new")
    accept = "ja-JP,ja" if lang == "ja" else "en-US,en"
    for argument in (
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-default-apps",
        "--disable-extensions",
        "--no-first-run",
        "--no-default-browser-check",
        "--metrics-recording-only",
        "--safebrowsing-disable-auto-update",
        f"--lang={accept.split(',')[0]}",
        # no name resolves but the service's own address: nothing leaves this machine
        "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
        f"--user-data-dir={profile}",
        f"--window-size={width},{height}",
    ):
        options.add_argument(argument)
    for argument in extra:
        options.add_argument(argument)
    if mobile is not None:
        options.add_experimental_option("mobileEmulation", mobile)
    if trust_cert is not None:
        options.add_argument(f"--ignore-certificate-errors-spki-list={spki_pin(trust_cert)}")
    downloads.mkdir(parents=True, exist_ok=True)
    options.add_experimental_option(
        "prefs",
        {
            "download.default_directory": str(downloads),
            "download.prompt_for_download": False,
            "intl.accept_languages": accept,
        },
    )
    env = {**os.environ, "DISPLAY": display} if display is not None else None
    service = Service(executable_path=str(CHROMEDRIVER), env=env)
    driver = webdriver.Chrome(service=service, options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def screenshot(driver: Any, name: str) -> Path:
    """Save the whole page (not just the window) as tests/artifacts/NAME.png."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    height = driver.execute_script("return document.documentElement.scrollHeight")
    width = driver.get_window_size()["width"]
    driver.set_window_size(width, max(600, min(int(height) + 120, 4000)))
    driver.save_screenshot(str(path))
    return path


def decode_qr(png: bytes) -> str:
    """The text of the QR code in a screenshot, read by OpenCV's detector: a real decoder, as a
    phone's camera app is, not the library that drew the code."""
    import cv2
    import numpy as np

    image = cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_GRAYSCALE)
    assert image is not None, "the screenshot is not a PNG"
    content, _, _ = cv2.QRCodeDetector().detectAndDecode(image)
    return str(content)
