"""The counselors' dashboard, mounted into the office service by `create_app`.

`routes(context)` is the hook `precheck.office.app` looks for: the pages live in `web.py`
(on the footing of `site.py`: rendering, cookies, sessions, CSRF),
the decisions they show in `views.py`, the tables in `models.py` (migration 0002_dashboard).
"""

from __future__ import annotations

from typing import Any


def routes(context: Any) -> list[Any]:
    from precheck.office.dashboard.web import Dashboard

    return Dashboard(context).routes()
