"""`precheck office purge`: blank personal fields past retention; safe to run from cron."""

from __future__ import annotations

import argparse

from precheck import exitcodes

HELP = "保存期間を過ぎた個人情報を消去 / erase personal data past its retention period"


def configure(parser: argparse.ArgumentParser) -> None:
    from precheck.commands.office import add_database_options

    add_database_options(parser)
    parser.add_argument(
        "--days",
        type=int,
        metavar="N",
        help="days after the session to keep personal fields (default: the profile's "
        "retention.days_after_session)",
    )


def execute(args: argparse.Namespace) -> int:
    import sys

    from precheck.commands.office import open_office
    from precheck.i18n import pick_lang
    from precheck.messages import ui_text
    from precheck.office.purge import purge

    lang = pick_lang(args.lang)
    if args.days is not None and args.days < 0:
        print(ui_text("office.bad-days").get(lang), file=sys.stderr)
        return exitcodes.USAGE
    opened = open_office(args)
    if isinstance(opened, int):
        return opened
    settings, database = opened
    days = settings.retention_days if args.days is None else args.days
    try:
        count = purge(database, retention_days=days)
    except Exception as exc:
        from precheck.commands.office import display_url

        where = display_url(settings.database_url)
        detail = type(exc).__name__
        print(ui_text("office.database", where=where, detail=detail).get(lang), file=sys.stderr)
        return exitcodes.OFFICE_DATABASE
    finally:
        database.dispose()
    print(ui_text("office.purged", count=count, days=days).get(lang))
    return exitcodes.READY
