"""The run's one PowerShell call: every `*.ps1` file beside this module is one section.

Each section is the body of a script block that returns plain data (hashtables, arrays,
strings, numbers). The batch runs every section in its own try/catch, so one blocked cmdlet
(ConstrainedLanguage mode, a missing module, Server SKUs without Security Center) costs only
its own section, and prints one JSON object: `{section: {"ok": value} | {"error": message}}`.
A probe never starts PowerShell itself: it asks `host.powershell("name")`.

The script travels as `-EncodedCommand` (UTF-16LE, base64) because execution policies apply to
script files, not to commands, and Windows caps a command line at 32,767 characters, so the
batch is kept compact (comments and indentation are dropped) and a test guards the size.
"""

from __future__ import annotations

import base64
import json
import sys
from pathlib import Path
from typing import Any

from precheck.host.base import HostError

HERE = Path(__file__).parent
TIMEOUT_S = 30.0
MAX_COMMAND_LINE = 32_767
ARGV = [
    "powershell.exe",
    "-NoLogo",
    "-NoProfile",
    "-NonInteractive",
    "-ExecutionPolicy",
    "Bypass",
    "-EncodedCommand",
]
MAX_OUTPUT = 8 << 20

PROLOGUE = """$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
try { [Console]::OutputEncoding = [System.Text.Encoding]::UTF8 } catch { }
$precheck = @{}"""

EPILOGUE = "ConvertTo-Json -InputObject $precheck -Depth 6 -Compress"


def sections() -> dict[str, str]:
    """Section name (the file's stem) to its script, without comment lines or indentation."""
    found: dict[str, str] = {}
    for path in sorted(HERE.glob("*.ps1")):
        lines = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
        found[path.stem] = "\n".join(line for line in lines if line and not line.startswith("#"))
    return found


def batch_script() -> str:
    parts = [PROLOGUE]
    for name, body in sections().items():
        parts.append(
            f"$precheck['{name}'] = try {{ @{{ ok = (& {{\n{body}\n}}) }} }} "
            "catch { @{ error = [string]$_.Exception.Message } }"
        )
    parts.append(EPILOGUE)
    return "\n".join(parts)


def command_line() -> list[str]:
    encoded = base64.b64encode(batch_script().encode("utf-16-le")).decode("ascii")
    return [*ARGV, encoded]


def run_batch() -> dict[str, Any]:
    """Live producer of `ps:batch` (Windows only)."""
    if sys.platform != "win32":
        raise HostError("unsupported", "PowerShell exists on Windows only")
    from precheck.host import live

    result = live.run_command(command_line(), TIMEOUT_S)
    return parse_batch(result["rc"], result["stdout"], result["stderr"])


def parse_batch(rc: int, stdout: str, stderr: str) -> dict[str, Any]:
    """The batch's JSON, or HostError naming what PowerShell said (bounded)."""
    text = stdout[:MAX_OUTPUT].strip()
    try:
        value = json.loads(text) if text else None
    except json.JSONDecodeError:
        value = None
    if not isinstance(value, dict):
        first = (stderr.strip().splitlines() or [f"exit code {rc}"])[0][:300]
        raise HostError("failed", f"PowerShell gave no JSON: {first}")
    return value
