"""`precheck office passwd NAME`: a counselor changes their own password (the current one
first); `set-password` is the administrator's reset without it."""

from __future__ import annotations

import argparse

HELP = "自分のパスワードを変更（現在のパスワードが必要） / change your own password"


def configure(parser: argparse.ArgumentParser) -> None:
    from precheck.commands.office import add_database_options

    parser.add_argument("name", metavar="NAME", help="sign-in name")
    add_database_options(parser)
    parser.epilog = (
        "現在のパスワード、新しいパスワード（2 回）を画面で入力するか、標準入力の 1 行目と"
        " 2 行目から読みます（引数では受け取りません）。"
        " / The current password, then the new one (twice) at the prompt, or the first and"
        " second lines of standard input; never arguments."
    )


def execute(args: argparse.Namespace) -> int:
    from precheck.commands.office import account_refused, change_account
    from precheck.i18n import pick_lang
    from precheck.office.dashboard.accounts import (
        AccountError,
        change_own_password,
        check_name,
        read_current_password,
        read_password,
    )

    lang = pick_lang(args.lang)
    try:
        check_name(args.name)
        current = read_current_password(args.name, lang)
        new = read_password(args.name, lang)
    except AccountError as exc:
        return account_refused(exc, lang)
    return change_account(
        args,
        lang,
        lambda database: change_own_password(database, args.name, current, new),
        "dashboard.user.password-set",
    )
