"""The facts of the network check, as they go into the report (numbers and short words only).

system       "windows" | "darwin" | "linux"
link         the `net:link` answer: link ("wifi", "not-wifi", "wired", "mobile", "unknown"),
             security (open/owe/wep/wpa/wpa2/wpa3/unknown), label (the tool's own words),
             ssid_state ("public", "public-unverified", "public-ended", "pattern", "other",
             "withheld"), ssid_name (a PUBLIC table name only), operator, pattern (the
             matched part of the name), metered ("yes"/"no"/"unknown", Linux), source,
             error/detail when the tools could not be read. Never a home network's name.
targets      the profile's URLs the check used
dns          {host: {resolved, ms, error}}
proxy        the proxy scheme requests used (None: direct)
captive      {primary, second}: the connectivity-check answers (status, length, body head)
https        the HTTPS probe of a known host (status, ms, error, verify_code, issuer)
pages        {url: answer} for the office's own pages
offline      the reason the machine was judged offline, when it was
rtt          {samples, ok, failed, median_ms, jitter_ms, min_ms, max_ms, loss_percent}
download, upload   {mbps, bytes, seconds} or {error}
"""

from __future__ import annotations
