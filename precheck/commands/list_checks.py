"""`precheck list`: the requirement catalogue, for job seekers, counselors and security staff."""

from __future__ import annotations

import argparse
import json
import sys

from precheck import exitcodes
from precheck.commands import add_lang

HELP = "確認項目の一覧 / list the checks"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    add_lang(parser)


def execute(args: argparse.Namespace) -> int:
    from precheck.catalogue import CatalogueError, load_catalogue
    from precheck.i18n import pick_lang
    from precheck.messages import ui_text
    from precheck.probes import PROBES

    lang = pick_lang(args.lang)
    try:
        catalogue = load_catalogue()
    except CatalogueError as exc:
        print(ui_text("error.catalogue", detail=str(exc)).get(lang), file=sys.stderr)
        return exitcodes.USAGE
    if args.json:
        doc = {
            "version": catalogue.version,
            "as_of": catalogue.as_of,
            "digest": catalogue.digest,
            "checks": [
                {
                    "id": s.id,
                    "articles": list(s.articles),
                    "required": s.required,
                    "implemented": s.id in PROBES,
                    "title": s.title.as_dict(),
                    "rationale": s.rationale.as_dict(),
                    "thresholds": dict(s.thresholds),
                }
                for s in catalogue.ordered()
            ],
        }
        json.dump(doc, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return exitcodes.READY
    print(ui_text("list.heading", version=catalogue.version, as_of=catalogue.as_of).get(lang))
    for spec in catalogue.ordered():
        kind = ui_text("list.required" if spec.required else "list.advisory").get(lang)
        state = ui_text("list.implemented" if spec.id in PROBES else "list.not-implemented")
        print(
            f"\n{spec.id}  {spec.title.get(lang)}  ({', '.join(spec.articles)}; {kind}; "
            f"{state.get(lang)})"
        )
        print(f"    {spec.rationale.get(lang)}")
    return exitcodes.READY
