"""Microsoft Defender's own status (`Get-MpComputerStatus`), as the batch's section returns it.

The section emits the fields it needs with language-independent values: booleans, integers,
`AMRunningMode` as its string (`Normal`, `Passive Mode`, `SxS Passive Mode`, `EDR Block Mode`,
`Not running`; mondoohq/mql#10381) and `AntivirusSignatureLastUpdated` as ISO 8601 (PowerShell
`.ToString('o')`), never the culture-dependent display string (`6/4/2024 8:06:27 AM`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

PASSIVE_MODES = ("passive mode", "sxs passive mode", "edr block mode")

THREAT_PENDING = 1 | 2 | 4 | 8
"""ComputerState bits for a threat whose remediation waits on a full scan (1), a restart (2),
manual steps (4) or an offline scan (8): MSFT_MpComputerStatus.ComputerState, documented as
Intune's windowsDeviceHealthState (0 clean, 16 critical failure, which is not a threat)."""


def _bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return None


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if (
        isinstance(value, str)
        and value.strip().isascii()
        and value.strip().isdigit()
        and len(value.strip()) < 12
    ):
        return int(value.strip())
    return None


def defender_status(section: Any) -> dict[str, Any]:
    """Plain facts from the section's object; fields it lacks come out as None."""
    data: dict[str, Any] = section if isinstance(section, dict) else {}
    mode = data.get("AMRunningMode")
    mode_text = mode.strip()[:40] if isinstance(mode, str) else None
    updated = data.get("AntivirusSignatureLastUpdated")
    updated_iso = None
    if isinstance(updated, str):
        try:
            stamp = datetime.fromisoformat(updated.strip()[:40])
        except ValueError:
            stamp = None
        if stamp is not None:
            # the section writes UTC ('o' after ToUniversalTime); a bare time is taken as UTC
            updated_iso = (stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)).isoformat()
    age = _int(data.get("AntivirusSignatureAge"))
    return {
        "running_mode": mode_text,
        "passive": bool(mode_text and mode_text.lower() in PASSIVE_MODES),
        "service_enabled": _bool(data.get("AMServiceEnabled")),
        "realtime": _bool(data.get("RealTimeProtectionEnabled")),
        "signature_age_days": age if age is not None and age < 100_000 else None,
        "signature_updated": updated_iso,
        "signatures_out_of_date": _bool(data.get("DefenderSignaturesOutOfDate")),
        "tamper_protected": _bool(data.get("IsTamperProtected")),
        "computer_state": _int(data.get("ComputerState")),
    }


def threat_pending(status: dict[str, Any]) -> bool:
    """Whether Defender's ComputerState says a threat's remediation is unfinished."""
    state = status.get("computer_state")
    return isinstance(state, int) and bool(state & THREAT_PENDING)
