"""`precheck office remove-user NAME`: delete a counselor account and end its sessions."""

from __future__ import annotations

import argparse

HELP = "相談員のアカウントを削除 / remove a counselor account"


def configure(parser: argparse.ArgumentParser) -> None:
    from precheck.commands.office import add_database_options

    parser.add_argument("name", metavar="NAME", help="sign-in name")
    add_database_options(parser)


def execute(args: argparse.Namespace) -> int:
    from precheck.commands.office import change_account
    from precheck.i18n import pick_lang
    from precheck.office.dashboard.accounts import remove_user

    return change_account(
        args,
        pick_lang(args.lang),
        lambda database: remove_user(database, args.name),
        "dashboard.user.removed",
    )
