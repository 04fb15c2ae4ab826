"""The app each worker process builds for `precheck office serve --workers N`.

uvicorn starts workers as fresh processes (spawn) that import the app by name, so the parent
puts the options it was given into the environment (`SETTINGS_ENV`) and each worker makes the
same settings from them. The parent has already migrated the database and checked the
dashboard secret; what workers share lives in the database (sessions, sign-in counts, the
verification cache), while each worker's rate limiters are its own (docs/deploy.md).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

SETTINGS_ENV = "PRECHECK_OFFICE_WORKER_SETTINGS"


def settings_env(options: dict[str, Any]) -> str:
    """`make_settings` keyword arguments as the environment value a worker reads."""
    return json.dumps({k: str(v) if isinstance(v, Path) else v for k, v in options.items()})


def app() -> Any:
    """uvicorn factory (`precheck.office.asgi:app`, factory=True)."""
    from precheck.office.app import create_app
    from precheck.office.db import open_database
    from precheck.office.settings import make_settings

    options = json.loads(os.environ[SETTINGS_ENV])
    for name in ("data_dir", "profile_path"):
        if options.get(name):
            options[name] = Path(options[name])
    settings = make_settings(**options)
    return create_app(settings, database=open_database(settings.database_url, migrate=False))
