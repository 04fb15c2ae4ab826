"""A QR code of the office's self-check address, for a job seeker who will use a phone.

The PC app and the office's pages show it beside the address itself, so a phone can open the
page without typing. segno draws it (pure Python, no image library); it is imported only here.
"""

from __future__ import annotations

MAX_URL = 300


def qr_svg(url: str, *, title: str = "") -> str:
    """An SVG document of a QR code of `url` (at most MAX_URL characters: an address, not a
    text). It carries the SVG namespace: served as image/svg+xml or shown by an <img>, a
    document without it is an unknown XML tree, not a picture."""
    import io

    import segno

    if not url or len(url) > MAX_URL:
        raise ValueError(f"a QR code is made only of an address of 1 to {MAX_URL} characters")
    out = io.BytesIO()
    segno.make(url, error="m").save(
        out, kind="svg", xmldecl=False, svgns=True, scale=6, border=4,
        title=title or None, dark="#000", light="#fff", encoding="utf-8",
    )  # fmt: skip
    return out.getvalue().decode("utf-8")


def selfcheck_url(profile: dict[str, object], fallback_base: str = "") -> str:
    """The self-check page's address: the profile's `[selfcheck] url`, else `fallback_base` +
    "/check" (the address the office service is reached at)."""
    section = profile.get("selfcheck")
    configured = section.get("url") if isinstance(section, dict) else None
    if isinstance(configured, str) and configured:
        return configured
    return fallback_base.rstrip("/") + "/check" if fallback_base else ""
