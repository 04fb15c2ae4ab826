"""Where precheck keeps files, per user and per OS (platformdirs), with test overrides.

- data: the device key, booking drafts, the outbox (private to the user)
- reports: signed reports and their HTML, in the user's documents folder so they can find them
- office: the office service's database and settings

PRECHECK_DATA_DIR, PRECHECK_REPORTS_DIR and PRECHECK_OFFICE_DIR override each, for tests and
for helpdesk staff who want a scratch location.
"""

from __future__ import annotations

import os
from pathlib import Path


def user_data_dir() -> Path:
    if env := os.environ.get("PRECHECK_DATA_DIR"):
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_data_dir("precheck", appauthor=False))


def reports_dir() -> Path:
    if env := os.environ.get("PRECHECK_REPORTS_DIR"):
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_documents_dir()) / "precheck"


def office_dir() -> Path:
    if env := os.environ.get("PRECHECK_OFFICE_DIR"):
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_data_dir("precheck-office", appauthor=False))
