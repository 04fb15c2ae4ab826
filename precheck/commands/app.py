"""`precheck app`: the job seeker's window, a local page opened in their browser.

Also what `precheck` does when started with no arguments (a double-click on the executable).
The server and its guards are in precheck/app/server.py; this module only starts and stops it.
"""

from __future__ import annotations

import argparse
import sys

from precheck import exitcodes
from precheck.commands import add_lang, add_profile

HELP = "確認と予約の画面をブラウザで開きます / open the check-and-book window in your browser"


def configure(parser: argparse.ArgumentParser) -> None:
    add_lang(parser)
    add_profile(parser)
    parser.add_argument(
        "--no-browser",
        action="store_true",
        help="ブラウザを開かずアドレスだけ表示 / print the address instead of opening a browser",
    )
    parser.add_argument(
        "--idle-minutes",
        type=float,
        default=30.0,
        metavar="MINUTES",
        help="操作がないまま終了するまでの分 / stop after this many idle minutes (default 30)",
    )


def execute(args: argparse.Namespace) -> int:
    import threading
    import webbrowser

    from precheck.app.preview import find_preview
    from precheck.app.server import AppServer
    from precheck.app.session import Session
    from precheck.app.settings import target_for
    from precheck.commands.run import load_rules
    from precheck.host import LiveHost
    from precheck.i18n import pick_lang
    from precheck.messages import ui_text

    lang = pick_lang(args.lang)
    if not 0 < args.idle_minutes <= 24 * 60:
        print(ui_text("app.cli.idle-minutes").get(lang), file=sys.stderr)
        return exitcodes.USAGE
    rules = load_rules(args.profile, lang)
    if isinstance(rules, int):
        return rules
    profile, catalogue = rules
    session = Session(
        catalogue,
        profile,
        lang=lang,
        new_host=LiveHost,
        has_settings=lambda check, system: target_for(check, system) is not None,
        preview=find_preview() is not None,
    )
    server = AppServer(session)
    server.lifetime.idle = args.idle_minutes * 60
    stopped = threading.Event()
    watcher = threading.Thread(target=server.watch, args=(stopped,), daemon=True)
    watcher.start()
    # Serve before opening the browser: a console browser (w3m, lynx) that webbrowser may pick
    # on a machine without a desktop holds this thread until it exits, and must get its page.
    serving = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.2}, name="app-http", daemon=True
    )
    serving.start()
    url = server.start_url
    opened = False if args.no_browser else webbrowser.open(url, new=1)
    key = "app.cli.opened" if opened else "app.cli.no-browser"
    print(ui_text(key, url=url).get(lang), flush=True)
    try:
        while serving.is_alive():
            serving.join(0.5)  # short waits keep Ctrl+C working on the main thread
    finally:
        stopped.set()
        if serving.is_alive():
            server.shutdown()
        server.server_close()
    if server.stop_reason is not None:
        print(ui_text(f"app.cli.stopped.{server.stop_reason}").get(lang), flush=True)
    return exitcodes.READY
