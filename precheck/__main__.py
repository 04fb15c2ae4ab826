"""`python -m precheck`: Ctrl+C even while the command itself is still loading ends cleanly."""

try:
    from precheck.cli import main
except KeyboardInterrupt:
    import sys

    sys.stderr.write("\n中断しました / Interrupted\n")
    raise SystemExit(130) from None

raise SystemExit(main())
