"""`precheck office restore FILE`: put a backup back (the service must be stopped)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from precheck import exitcodes

HELP = "バックアップから復元（サービス停止中に） / restore a backup (service stopped)"


def configure(parser: argparse.ArgumentParser) -> None:
    from precheck.commands.office import add_database_options

    parser.add_argument("backup", type=Path, metavar="FILE", help="a file made by office backup")
    parser.add_argument(
        "--replace",
        action="store_true",
        help="overwrite a database that already holds an office (its data is lost)",
    )
    add_database_options(parser)


def execute(args: argparse.Namespace) -> int:
    from precheck.commands.office_backup import office_settings
    from precheck.i18n import pick_lang
    from precheck.messages import ui_text
    from precheck.office.backup import BackupError, restore
    from precheck.office.settings import Settings

    lang = pick_lang(args.lang)
    settings = office_settings(args, lang)
    if not isinstance(settings, Settings):
        assert isinstance(settings, int)
        return settings
    try:
        restore(settings.database_url, args.backup, replace=args.replace)
    except BackupError as exc:
        print(ui_text("office.restore-failed", detail=str(exc)).get(lang), file=sys.stderr)
        return exitcodes.OFFICE_BACKUP
    print(ui_text("office.restore-done", path=str(args.backup)).get(lang))
    return exitcodes.READY
