"""`precheck office set-password NAME`: a new password for a counselor (a reset by the
administrator, or a counselor's own change typed at the administrator's terminal)."""

from __future__ import annotations

import argparse

HELP = "相談員のパスワードを変更 / set a counselor's new password"


def configure(parser: argparse.ArgumentParser) -> None:
    from precheck.commands.office import add_database_options

    parser.add_argument("name", metavar="NAME", help="sign-in name")
    add_database_options(parser)
    parser.epilog = (
        "新しいパスワードは画面で 2 回入力するか、標準入力の 1 行目から読みます"
        "（引数では受け取りません）。ログイン中の画面はすべて終了します。"
        " / The new password is typed twice at the prompt or read from the first line of"
        " standard input, never taken as an argument. Every open session of the account ends."
    )


def execute(args: argparse.Namespace) -> int:
    from precheck.commands.office import account_refused, change_account
    from precheck.i18n import pick_lang
    from precheck.office.dashboard.accounts import (
        AccountError,
        check_name,
        read_password,
        set_password,
    )

    lang = pick_lang(args.lang)
    try:
        check_name(args.name)
        password = read_password(args.name, lang)
    except AccountError as exc:
        return account_refused(exc, lang)
    return change_account(
        args,
        lang,
        lambda database: set_password(database, args.name, password),
        "dashboard.user.password-set",
    )
