"""`precheck office add-user NAME`: a counselor account for the dashboard."""

from __future__ import annotations

import argparse

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
    from precheck.commands.office import account_refused, change_account
    from precheck.i18n import pick_lang
    from precheck.office.dashboard.accounts import AccountError, add_user, check_name, read_password

    lang = pick_lang(args.lang)
    try:
        check_name(args.name)
        password = read_password(args.name, lang)
    except AccountError as exc:
        return account_refused(exc, lang)
    return change_account(
        args, lang, lambda database: add_user(database, args.name, password), "dashboard.user.added"
    )
