"""`precheck office backup DIR`: one backup of the office database, taken while it runs."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from precheck import exitcodes

if TYPE_CHECKING:
    from precheck.office.settings import Settings

HELP = "データベースをバックアップ（稼働中でも可） / back up the office database (live)"


def configure(parser: argparse.ArgumentParser) -> None:
    from precheck.commands.office import add_database_options

    parser.add_argument("folder", type=Path, metavar="DIR", help="folder for the backup file")
    add_database_options(parser)


def execute(args: argparse.Namespace) -> int:
    from precheck.i18n import pick_lang
    from precheck.messages import ui_text
    from precheck.office.backup import BackupError, backup
    from precheck.office.settings import Settings

    lang = pick_lang(args.lang)
    settings = office_settings(args, lang)
    if isinstance(settings, int):
        return settings
    assert isinstance(settings, Settings)
    try:
        path = backup(settings.database_url, args.folder)
    except BackupError as exc:
        print(ui_text("office.backup-failed", detail=str(exc)).get(lang), file=sys.stderr)
        return exitcodes.OFFICE_BACKUP
    print(ui_text("office.backup-done", path=str(path)).get(lang))
    return exitcodes.READY


def office_settings(args: argparse.Namespace, lang: str) -> Settings | int:
    """The settings from the common options, or the exit code after saying why not."""
    from precheck.messages import ui_text
    from precheck.office.settings import SettingsError, make_settings

    try:
        return make_settings(
            data_dir=args.data_dir, database_url=args.database, profile_path=args.profile
        )
    except SettingsError as exc:
        print(ui_text("office.bad-setting", detail=str(exc)).get(lang), file=sys.stderr)
        return exitcodes.USAGE
