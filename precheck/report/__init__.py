"""The signed report: made on the job seeker's PC, verified by counselors and the office service.

Importing this package loads nothing; each part is its own module so that checking a report
never loads what makes one (the runner, the probes, the Host):

    precheck.report.verify   verify_report, verify_file, Verification, STATES — what the office
                             service and `precheck verify` use: JSON, schema, Ed25519 signature
    precheck.report.make     make_report, ReportError — only `precheck run` and `precheck book`
    precheck.report.store    write_report, latest_report, report_bytes
    precheck.report.html     render_html

The signature is Ed25519 over RFC 8785 canonical JSON (precheck.report.sign); it proves which
device key signed the report, not who ran it nor that the PC told the truth
(docs/threat-model.md). Format: docs/report.md and reports/report.schema.json.
"""
