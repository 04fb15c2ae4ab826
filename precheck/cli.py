"""The `precheck` command: a thin dispatcher over one module per subcommand.

Subcommand modules import nothing heavy at module level, so `precheck --version` and argument
errors answer at once; heavy work is imported inside the function that needs it.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence

from precheck import __version__, exitcodes

TYPE_CHECKING = False  # not `from typing`: typing and argparse cost `--version` milliseconds
if TYPE_CHECKING:
    import argparse

COMMANDS: dict[str, str] = {
    "run": "precheck.commands.run",
    "replay": "precheck.commands.replay",
    "list": "precheck.commands.list_checks",
    "verify": "precheck.commands.verify",
    "show": "precheck.commands.show",
    "book": "precheck.commands.book",
    "outbox": "precheck.commands.outbox",
    "office": "precheck.commands.office",
    "app": "precheck.commands.app",
}
"""Subcommand name -> module with `HELP`, `configure(parser)` and `execute(args) -> int`."""


def build_parser() -> argparse.ArgumentParser:
    import argparse  # not at the top: `precheck --version` answers before any parser is built

    parser = argparse.ArgumentParser(
        prog="precheck",
        description="オンライン職業相談の事前チェック / Device pre-check for online counseling",
    )
    parser.add_argument("--version", action="version", version=f"precheck {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, module_name in COMMANDS.items():
        module = importlib.import_module(module_name)
        module.configure(sub.add_parser(name, help=module.HELP, description=module.HELP))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="replace")
    if args_list in (["--version"], ["-V"]):
        print(f"precheck {__version__}")
        return exitcodes.READY
    if not args_list:
        args_list = ["app"]  # a double-click opens the window; any argument keeps the CLI
    elif args_list[0].startswith("-") and args_list[0] not in ("-h", "--help"):
        args_list = ["run", *args_list]  # `precheck --json` means a check
    args = build_parser().parse_args(args_list)
    module = importlib.import_module(COMMANDS[args.command])
    # The handlers' two sentences stay here, not in precheck/messages: they must print even when
    # the message catalogue is what broke (a CatalogueError from ui_text ends in the last resort).
    try:
        code: int = module.execute(args)
    except KeyboardInterrupt:
        print("\n中断しました / Interrupted", file=sys.stderr)
        return exitcodes.INTERRUPTED
    except BrokenPipeError:
        # The reader (e.g. `| head`) went away: nothing more to say, and no traceback.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return exitcodes.BROKEN_PIPE
    except Exception as exc:  # the last resort: a bug is reported plainly, never as a traceback
        import os
        import traceback

        print(
            f"precheck の内部エラーです。ハローワークに次の内容をお伝えください。\n"
            f"precheck hit an internal error; please tell the Hello Work office when you call: "
            f"{type(exc).__name__}: {exc}",
            file=sys.stderr,
        )
        if os.environ.get("PRECHECK_DEBUG"):
            traceback.print_exc()
        return exitcodes.USAGE
    return code
