"""Regenerate the example reports in reports/examples/ with the real code, on this machine.

    .venv/bin/python bench/make_examples.py

Runs every check live (recording the evidence), makes the signed report for a booking with the
example job seeker number 12345-67890123, and renders its HTML in both opening languages:

- example-evidence.json   the evidence the checks saw (redacted, as `run --save-evidence`)
- example-report.json     the signed report (a throwaway key, made in a temporary folder and
                          discarded: no private key is kept, and the report expires in 7 days)
- example-report.ja.html, example-report.en.html   render_html of the report

tests/test_report_examples.py checks the examples still match the code: run this script
after changing the report format, its templates or its messages.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "reports" / "examples"
NUMBER = "12345-67890123"


def main() -> None:
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory() as scratch:
        os.environ["PRECHECK_DATA_DIR"] = scratch  # the throwaway key and salt live here only
        from precheck.catalogue import load_catalogue
        from precheck.fsutil import write_atomic
        from precheck.host import RecordingHost
        from precheck.profile import load_profile
        from precheck.report.html import render_html
        from precheck.report.make import make_report
        from precheck.report.store import report_bytes
        from precheck.runner import run_checks

        catalogue, profile = load_catalogue(), load_profile()
        host = RecordingHost()
        run = run_checks(host, catalogue, profile=profile)
        report = make_report(run, catalogue, profile, job_seeker_number=NUMBER, host=host)
        host.save(OUT / "example-evidence.json")
        write_atomic(OUT / "example-report.json", report_bytes(report))
        for lang in ("ja", "en"):
            page = render_html(report, lang).encode("utf-8")
            write_atomic(OUT / f"example-report.{lang}.html", page)
    for path in sorted(OUT.iterdir()):
        print(path.relative_to(ROOT))


if __name__ == "__main__":
    main()
