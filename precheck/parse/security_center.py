"""Windows Security Center's `productState` (SecurityCenter2 AntiVirusProduct, FirewallProduct).

Microsoft does not document the number. The decoding consistent with every value whose real
state is known is the bit mask (research/posture.md §1.3, decoding B): 0xF000 the product state
(0x0 off, 0x1 on, 0x2 snoozed, 0x3 expired), 0x0F00 the owner (0x1 = Microsoft), 0x00F0 the
signatures (0x0 up to date, 0x1 out of date), 0xFF0000 the provider bits. Any other nibble, or a
value without provider bits, is "unknown": never read as on.
"""

from __future__ import annotations

from dataclasses import dataclass

_STATES = {0x0: "off", 0x1: "on", 0x2: "snoozed", 0x3: "expired"}
_SIGNATURES = {0x0: "up-to-date", 0x1: "out-of-date"}


@dataclass(frozen=True)
class ProductState:
    state: str  # on, off, snoozed, expired or unknown
    signatures: str  # up-to-date, out-of-date or unknown
    microsoft: bool


def decode_product_state(value: object) -> ProductState:
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        value = int(value.strip())
    if not isinstance(value, int) or isinstance(value, bool) or not 0 < value <= 0xFFFFFF:
        return ProductState("unknown", "unknown", False)
    provider = (value >> 16) & 0xFF
    owner = (value >> 8) & 0xF
    state = _STATES.get((value >> 12) & 0xF, "unknown")
    signatures = _SIGNATURES.get((value >> 4) & 0xF, "unknown")
    if provider == 0 or owner not in (0, 1) or value & 0xF:
        state = "unknown"
    return ProductState(state, signatures if state != "unknown" else "unknown", owner == 1)
