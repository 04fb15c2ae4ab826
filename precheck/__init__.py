"""precheck: device pre-check for Hello Work online counseling (オンライン職業相談)."""

__version__ = "0.1.0"


def _hold_ctrl_c_until_main() -> None:
    """When this import starts the precheck command, hold Ctrl+C until `cli.main` is ready.

    Between this package's import and `cli.main` lie Python's own steps (runpy locating
    `precheck.__main__`, the console script's `from precheck.cli import main`), where a Ctrl+C
    would print Python's traceback. Blocking SIGINT keeps it pending instead of losing it;
    `cli.main` unblocks it inside its handler, which then says "interrupted" and exits 130.
    It applies only to the command: `python -m precheck` (while runpy locates the module,
    sys.argv[0] is "-m", and sys.orig_argv names precheck) or a program named precheck.
    Importing precheck from other code leaves signals alone. POSIX only: Windows has no mask.
    """
    import sys

    argv0 = sys.argv[0] if sys.argv else ""
    original = list(getattr(sys, "orig_argv", []))
    as_module = argv0 == "-m" and "-m" in original and original.index("-m") + 1 < len(original)
    as_module = as_module and original[original.index("-m") + 1] == "precheck"
    name = argv0.replace("\\", "/").rsplit("/", 1)[-1].lower()
    if not (as_module or name in ("precheck", "precheck.exe")):
        return
    import signal

    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})


_hold_ctrl_c_until_main()
