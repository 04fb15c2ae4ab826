"""One module per subcommand; see precheck.cli.COMMANDS."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse


def add_lang(parser: argparse.ArgumentParser) -> None:
    """`--lang`, the same on every job seeker's command, so its choices follow i18n.LANGS."""
    from precheck.i18n import LANGS

    parser.add_argument("--lang", choices=LANGS, help="language (default: from the locale)")


def add_profile(parser: argparse.ArgumentParser) -> None:
    """`--profile`: every command that applies the office's rules reads the same profile."""
    parser.add_argument(
        "--profile", type=Path, metavar="FILE", help="office profile (default: Hello Work Tonami)"
    )
