"""`precheck office add-user NAME`: a counselor account for the dashboard."""

from __future__ import annotations

import argparse
import sys

from precheck import exitcodes

HELP = "相談員のアカウントを作成 / add a counselor account for the dashboard"


def configure(parser: argparse.ArgumentParser) -> None:
    from precheck.commands.office import add_database_options

    parser.add_argument("name", metavar="NAME", help="sign-in name (letters, digits, . _ -)")
    add_database_options(parser)
    parser.epilog = (
        "パスワードは画面で 2 回入力するか、標準入力の 1 行目から読みます"
        "（引数では受け取りません）。"
        " / The password is typed twice at the prompt or read from the first line of standard"
        " input, never taken as an argument."
    )


def execute(args: argparse.Namespace) -> int:
    from precheck.catalogue import ui_text
    from precheck.commands.office import open_office
    from precheck.i18n import pick_lang
    from precheck.office.dashboard.accounts import AccountError, add_user, check_name, read_password

    lang = pick_lang(args.lang)
    try:
        check_name(args.name)
        password = read_password(args.name, lang)
    except AccountError as exc:
        print(ui_text(exc.key, **exc.params).get(lang), file=sys.stderr)
        return exitcodes.OFFICE_ACCOUNT
    opened = open_office(args)
    if isinstance(opened, int):
        return opened
    _settings, database = opened
    try:
        add_user(database, args.name, password)
    except AccountError as exc:
        print(ui_text(exc.key, **exc.params).get(lang), file=sys.stderr)
        return exitcodes.OFFICE_ACCOUNT
    finally:
        database.dispose()
    print(ui_text("dashboard.user.added", name=args.name).get(lang))
    return exitcodes.READY
