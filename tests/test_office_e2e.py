"""End to end, all real: `precheck run` and `precheck book` post to `precheck office serve` over
verified TLS; then the service is killed mid-batch and restarted, and the client's outbox
delivers the rest — nothing lost, nothing duplicated. On SQLite and PostgreSQL."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("starlette", reason="the office extra is not installed")

from precheck import exitcodes
from tests import intake_data
from tests.conftest import run_precheck
from tests.serviceprocess import ServiceProcess
from tests.tcpforward import Forwarder
from tests.tlsca import LocalCA

BATCH = 40


def _profile_with_intake(folder: Path, url: str) -> Path:
    from precheck.resources import shipped_dir

    text = (shipped_dir("checks") / "profiles" / "hellowork-tonami.toml").read_text("utf-8")
    text = re.sub(r'(\[intake\][^\[]*?)url = ""', rf'\1url = "{url}/api/v1/bookings"', text)
    assert url in text
    path = folder / "office-profile.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _bookings(database_url: str) -> list[Any]:
    from sqlalchemy import select

    from precheck.office.db import open_database
    from precheck.office.models import Booking

    database = open_database(database_url, migrate=False)
    try:
        with database.read() as session:
            return list(session.scalars(select(Booking).order_by(Booking.id)))
    finally:
        database.dispose()


def _count(database_url: str) -> int:
    from sqlalchemy import func, select

    from precheck.office.db import open_database
    from precheck.office.models import Booking

    database = open_database(database_url, migrate=False)
    try:
        with database.read() as session:
            return int(session.scalar(select(func.count()).select_from(Booking)) or 0)
    finally:
        database.dispose()


def test_book_through_the_service_then_survive_a_crash_mid_batch(
    office_database_url: str,
    ca: LocalCA,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from precheck.booking import outbox
    from precheck.booking.rules import next_bookable
    from precheck.messages import ui_text

    folder = tmp_path / "office"
    serve_args = (
        "--port", "0", "--data-dir", str(folder), "--database", office_database_url,
        "--tls-cert", str(ca.server_cert), "--tls-key", str(ca.server_key),
        "--rate", "200", "--burst", "400",
    )  # fmt: skip
    env = {"REQUESTS_CA_BUNDLE": str(ca.ca_cert)}
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(ca.ca_cert))  # for the in-process sender too
    # The office's address for the whole test: a port this test holds, in front of whichever
    # service process is alive (restarting "on the same address" without a rebinding race).
    address = Forwarder()
    service = ServiceProcess(*serve_args, env=env).start()
    assert service.url is not None
    address.target = int(service.url.rsplit(":", 1)[1])
    url = f"https://127.0.0.1:{address.port}"
    profile = _profile_with_intake(tmp_path, url)
    logs: list[str] = []
    try:
        # 1. the job seeker checks the PC (one real check: no traffic beyond this machine)
        run = run_precheck(
            "run", "--only", "load", "--profile", str(profile),
            "--job-seeker-number", intake_data.NUMBER, env=env,
        )  # fmt: skip
        assert run.returncode in (exitcodes.READY, exitcodes.NOT_READY), run.stderr

        # 2. and books with the report attached; the intake service receives it over TLS
        slots = next_bookable(intake_data.profile(), datetime.now(UTC), count=2)
        book = run_precheck(
            "book", "--name", intake_data.NAME, "--job-seeker-number", intake_data.NUMBER,
            "--email", intake_data.EMAIL, "--phone", intake_data.PHONE,
            "--slot", slots[0].strftime("%Y-%m-%dT%H:%M"),
            "--slot", slots[1].strftime("%Y-%m-%dT%H:%M"),
            "--topic", intake_data.TOPIC, "--private-room", "--yes", "--no-open",
            "--to", "online@example.jp", "--profile", str(profile), "--lang", "en", env=env,
        )  # fmt: skip
        assert book.returncode == exitcodes.READY, book.stdout + book.stderr
        assert ui_text("booking.outbox.sent").en in book.stdout
        [booked] = _bookings(office_database_url)
        assert (booked.verification_state, booked.verification_valid) == ("valid", True)
        assert booked.job_seeker_number == intake_data.NUMBER and booked.name == intake_data.NAME
        assert outbox.entries() == ([], [])

        # 3. a batch waits in the outbox; the service is killed (SIGKILL) in the middle of it:
        # right after a quarter of the batch was delivered, before the next is sent
        keys = set()
        for _ in range(BATCH):
            entry = outbox.enqueue(intake_data.payload(), f"{url}/api/v1/bookings")
            keys.add(entry.key)
        send = outbox.send
        sent: list[str] = []

        def send_then_crash(entry: Any, **options: Any) -> Any:
            result = send(entry, **options)
            sent.append(entry.key)
            if len(sent) == BATCH // 4:
                service.kill()
                address.target = None
            return result

        monkeypatch.setattr(outbox, "send", send_then_crash)
        outbox.send_all(attempts=1, backoff=0)
        monkeypatch.setattr(outbox, "send", send)
        logs.append(service.text)
        waiting, broken = outbox.entries()
        assert broken == []
        assert _count(office_database_url) - 1 == BATCH // 4
        assert len(waiting) == BATCH - BATCH // 4  # the rest wait: nothing lost

        # 4. the service comes back behind the same address; the outbox delivers the rest
        service = ServiceProcess(*serve_args, env=env).start()
        assert service.url is not None
        address.target = int(service.url.rsplit(":", 1)[1])
        resend = run_precheck("outbox", "--send", env=env)
        assert resend.returncode == exitcodes.READY, resend.stdout + resend.stderr
        assert outbox.entries() == ([], [])
    finally:
        service.stop()
        logs.append(service.text)
        address.close()

    rows = _bookings(office_database_url)
    assert len(rows) == 1 + BATCH  # nothing lost, nothing duplicated
    assert {r.idempotency_key for r in rows[1:]} == keys
    assert all(r.verification_valid for r in rows)
    assert len({r.reference for r in rows}) == len(rows)

    # 5. the service's own output never carried the booking's personal fields
    text = "\n".join(logs)
    assert "POST /api/v1/bookings" in text  # the access log is there, and was checked
    for value in (intake_data.NAME, intake_data.EMAIL, intake_data.PHONE, intake_data.NUMBER):
        assert value not in text, value
    assert "Traceback" not in text
