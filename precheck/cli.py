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


INTERRUPTED_LINE = "中断しました / Interrupted"
"""Printed on Ctrl+C; here, not in precheck/messages, so it prints even before anything loads."""


def interrupted() -> int:
    """Say "interrupted" once and give its exit code; a second Ctrl+C meanwhile is ignored.

    The line goes straight to file descriptor 2: a Ctrl+C that lands while Python is setting
    up sys.stderr (main's reconfigure) can leave that object unusable. Only the CLI calls this
    (main and __main__), so importing precheck never changes how a host program handles Ctrl+C.
    """
    import os
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:  # noqa: SIM105 (contextlib would cost `precheck --version` start-up time)
        os.write(2, ("\n" + INTERRUPTED_LINE + "\n").encode("utf-8"))
    except OSError:
        pass  # no terminal left to tell; the exit code still says it
    return exitcodes.INTERRUPTED


def entry() -> None:
    """The `precheck` program (console script, `python -m precheck`, the executable).

    After Ctrl+C it ends with os._exit: the probes' daemon threads and their child processes
    are still running, and Python's own shutdown then sometimes ended the process by SIGINT
    (exit -2, 6 of 24 interrupted runs on a busy machine) instead of with 130.
    """
    code = main()
    if code == exitcodes.INTERRUPTED:
        import os

        for stream in (sys.stdout, sys.stderr):
            try:  # noqa: SIM105 (contextlib costs start-up time)
                stream.flush()
            except (OSError, ValueError):
                pass
        os._exit(code)
    sys.exit(code)


def main(argv: Sequence[str] | None = None) -> int:
    """The whole command; Ctrl+C at any point, argument parsing included, is one line and 130."""
    try:
        _release_ctrl_c()
        return _main(argv)
    except KeyboardInterrupt:
        return interrupted()


def _release_ctrl_c() -> None:
    """Undo precheck/__init__.py's hold on SIGINT: a Ctrl+C pressed meanwhile arrives now, in
    main's handler (it is a no-op when nothing was held)."""
    import signal

    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def _main(argv: Sequence[str] | None) -> int:
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
