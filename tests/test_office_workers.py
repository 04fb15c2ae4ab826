"""`precheck office serve --workers 2`: two processes on one port; what must hold across them
(sessions, sign-in counts) lives in the database, so a counselor signed in on one worker is
signed in on the other."""

from __future__ import annotations

import psutil
import requests

from tests.conftest import run_precheck
from tests.dashboard_kit import PASSWORD, login
from tests.serviceprocess import ServiceProcess


def test_two_workers_share_sessions_through_the_database() -> None:
    added = run_precheck("office", "add-user", "sato", stdin=PASSWORD + "\n", timeout=120)
    assert added.returncode == 0, added.stderr
    service = ServiceProcess("--port", "0", "--workers", "2").start()
    try:
        assert service.process is not None and service.url is not None
        session = requests.Session()
        session.trust_env = False
        assert login(session, service.url, "sato", PASSWORD).status_code == 303
        cookies = dict(session.cookies)
        workers: set[int] = set()
        for _ in range(40):  # a new connection each time: either worker may take it
            answer = requests.get(
                f"{service.url}/", cookies=cookies, allow_redirects=False, timeout=60
            )
            assert answer.status_code == 200, answer.status_code
        for child in psutil.Process(service.process.pid).children(recursive=True):
            if "spawn" in " ".join(child.cmdline()):
                workers.add(child.pid)
        assert len(workers) >= 2, "not two worker processes"
    finally:
        code = service.stop()
        assert code == 0, service.text[-3000:]
