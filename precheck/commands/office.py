"""`precheck office …`: the office's intake service and its upkeep, one sub-command each.

Sub-commands follow the same contract as top-level commands (`HELP`, `configure(parser)`,
`execute(args) -> int`), so adding one is one line in `SUBCOMMANDS`. They need the `office`
extra; without it they say how to install it instead of failing on an import.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from precheck import exitcodes

if TYPE_CHECKING:
    from precheck.office.dashboard.accounts import AccountError
    from precheck.office.db import Database
    from precheck.office.settings import Settings

HELP = "事業所向け: 予約受付サービス / for offices: the booking intake service"

SUBCOMMANDS: dict[str, str] = {
    "serve": "precheck.commands.office_serve",
    "purge": "precheck.commands.office_purge",
    "add-user": "precheck.commands.office_add_user",
    "remove-user": "precheck.commands.office_remove_user",
    "unlock": "precheck.commands.office_unlock",
    "set-password": "precheck.commands.office_set_password",
    "passwd": "precheck.commands.office_passwd",
    "backup": "precheck.commands.office_backup",
    "restore": "precheck.commands.office_restore",
}
"""Sub-command name -> module with `HELP`, `configure(parser)` and `execute(args) -> int`."""

EXTRA_MODULES = ("starlette", "uvicorn", "sqlalchemy", "alembic", "psycopg")


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="office_command", metavar="SUBCOMMAND", required=True)
    for name, module_name in SUBCOMMANDS.items():
        module = importlib.import_module(module_name)
        module.configure(sub.add_parser(name, help=module.HELP, description=module.HELP))


def execute(args: argparse.Namespace) -> int:
    from precheck.i18n import pick_lang
    from precheck.messages import ui_text

    for name in EXTRA_MODULES:
        try:
            importlib.import_module(name)
        except ImportError:
            message = ui_text("office.not-installed", module=name).get(pick_lang(args.lang))
            print(message, file=sys.stderr)
            return exitcodes.OFFICE_NOT_INSTALLED
    module = importlib.import_module(SUBCOMMANDS[args.office_command])
    code: int = module.execute(args)
    return code


def add_database_options(parser: argparse.ArgumentParser) -> None:
    """Where the office's data is: shared by every sub-command that opens the database."""
    parser.add_argument(
        "--data-dir",
        type=Path,
        metavar="DIR",
        help="office data directory (default: per-user data folder; PRECHECK_OFFICE_DIR)",
    )
    parser.add_argument(
        "--database",
        metavar="URL",
        help="postgresql://user@host/db for PostgreSQL (default: SQLite in the data directory; "
        "PRECHECK_DATABASE_URL)",
    )
    parser.add_argument(
        "--profile", type=Path, metavar="FILE", help="office profile (default: Hello Work Tonami)"
    )
    parser.add_argument("--lang", choices=("ja", "en"), help="language (default: from the locale)")


def open_office(args: argparse.Namespace, **overrides: object) -> tuple[Settings, Database] | int:
    """Settings and the migrated database from the common options, or an exit code after a
    message in the user's language."""
    from precheck.i18n import pick_lang
    from precheck.messages import ui_text
    from precheck.office.db import DatabaseError, open_database
    from precheck.office.settings import SettingsError, make_settings

    lang = pick_lang(args.lang)
    try:
        settings = make_settings(
            data_dir=args.data_dir,
            database_url=args.database,
            profile_path=args.profile,
            **overrides,  # type: ignore[arg-type]
        )
    except SettingsError as exc:
        print(ui_text("office.bad-setting", detail=str(exc)).get(lang), file=sys.stderr)
        return exitcodes.USAGE
    try:
        database = open_database(settings.database_url)
    except DatabaseError as exc:
        where = display_url(settings.database_url)
        print(ui_text("office.database", where=where, detail=str(exc)).get(lang), file=sys.stderr)
        return exitcodes.OFFICE_DATABASE
    return settings, database


def display_url(url: str) -> str:
    """The database URL with any password masked, for messages and logs."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def account_refused(exc: AccountError, lang: str) -> int:
    """Say why an account was not changed; the exit code for it."""
    from precheck.messages import ui_text

    print(ui_text(exc.key, **exc.params).get(lang), file=sys.stderr)
    return exitcodes.OFFICE_ACCOUNT


def change_account(
    args: argparse.Namespace, lang: str, change: Callable[[Database], None], done_key: str
) -> int:
    """Open the office database, make one account change, and say how it went: add-user and
    remove-user end the same way."""
    from precheck.messages import ui_text
    from precheck.office.dashboard.accounts import AccountError

    opened = open_office(args)
    if isinstance(opened, int):
        return opened
    _settings, database = opened
    try:
        change(database)
    except AccountError as exc:
        return account_refused(exc, lang)
    finally:
        database.dispose()
    print(ui_text(done_key, name=args.name).get(lang))
    return exitcodes.READY
