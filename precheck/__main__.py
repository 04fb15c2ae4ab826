"""`python -m precheck` (and the PyInstaller executable): Ctrl+C even while the command is
still loading ends with the one line and 130."""

import sys

if __name__ == "__main__":
    if getattr(sys, "frozen", False) and sys.argv[1:2] == ["--camera-child"]:
        # The one-file executable has no `python -m`: it runs itself as the camera check's
        # child process (precheck/host/camera.py).
        from precheck.host.camera_child import main as camera_child

        raise SystemExit(camera_child(sys.argv[2:]))
    try:
        from precheck.cli import entry
    except KeyboardInterrupt:
        import os

        os.write(2, "\n中断しました / Interrupted\n".encode())
        os._exit(130)

    entry()
