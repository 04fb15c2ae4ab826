"""`precheck office remove-user NAME`: delete a counselor account and end its sessions."""

from __future__ import annotations

import argparse
import sys

from precheck import exitcodes

HELP = "相談員のアカウントを削除 / remove a counselor account"


def configure(parser: argparse.ArgumentParser) -> None:
    from precheck.commands.office import add_database_options

    parser.add_argument("name", metavar="NAME", help="sign-in name")
    add_database_options(parser)


def execute(args: argparse.Namespace) -> int:
    from precheck.catalogue import ui_text
    from precheck.commands.office import open_office
    from precheck.i18n import pick_lang
    from precheck.office.dashboard.accounts import AccountError, remove_user

    lang = pick_lang(args.lang)
    opened = open_office(args)
    if isinstance(opened, int):
        return opened
    _settings, database = opened
    try:
        remove_user(database, args.name)
    except AccountError as exc:
        print(ui_text(exc.key, **exc.params).get(lang), file=sys.stderr)
        return exitcodes.OFFICE_ACCOUNT
    finally:
        database.dispose()
    print(ui_text("dashboard.user.removed", name=args.name).get(lang))
    return exitcodes.READY
