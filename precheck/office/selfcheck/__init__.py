"""The phone and tablet self-check the office serves at `/check` (Article 2(3)).

A phone cannot run precheck, so its browser checks what a browser can honestly know (OS
version from client hints or the UA, camera and microphone through getUserMedia, the
connection to this server), asks the user about what it cannot see, and the server signs the
result with the office's own key (`precheck.report.browser_check`). Mounted by
`precheck.office.app` like the dashboard.
"""

from __future__ import annotations

from typing import Any

from starlette.routing import BaseRoute


def routes(context: Any) -> list[BaseRoute]:
    from precheck.office.selfcheck.web import SelfCheck

    return SelfCheck(context).routes()
