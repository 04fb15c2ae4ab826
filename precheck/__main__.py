"""`python -m precheck` (and the PyInstaller executable): Ctrl+C even while the command is
still loading ends with the one line and 130."""

try:
    from precheck.cli import entry
except KeyboardInterrupt:
    import os

    os.write(2, "\n中断しました / Interrupted\n".encode())
    os._exit(130)

entry()
