"""`precheck office unlock NAME`: clear a counselor's sign-in waits (audit-logged)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from precheck.office.db import Database

HELP = "相談員のログイン待ち時間を解除 / clear a counselor's sign-in waits"


def configure(parser: argparse.ArgumentParser) -> None:
    from precheck.commands.office import add_database_options

    parser.add_argument("name", metavar="NAME", help="sign-in name")
    add_database_options(parser)


def execute(args: argparse.Namespace) -> int:
    from precheck.commands.office import change_account
    from precheck.i18n import pick_lang
    from precheck.office.dashboard.accounts import unlock_user

    def unlock(database: Database) -> None:
        unlock_user(database, args.name)

    return change_account(args, pick_lang(args.lang), unlock, "dashboard.user.unlocked")
