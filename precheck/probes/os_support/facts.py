"""The one facts shape the three collectors return (plain JSON, as it goes into the report).

system        "linux" | "windows" | "darwin"
now           the run's clock (ISO 8601), so a replay decides dates as the run did
unidentified  why the release could not be told (then nothing else is needed)
os            what identifies the release; every string bounded (precheck.host.text):
  linux       id, id_like, version_id, version_codename, ubuntu_codename, name,
              pretty_name, debian_version
  windows     source ("registry" | "systeminfo"), build (int), ubr (int, registry only),
              edition_id, display_version, installation_type, product_name
  darwin      product_name, product_version, build_version, extra
updates       what the machine itself knows about pending updates, by `source`:
  apt             upgradable, security_pending, security_examples, lists_updated
  update-notifier upgradable, security_pending, stale, lists_updated (file time)
  zypper          security_pending, security_examples
  rolling         last_change (ISO time packages last changed), path
  softwareupdate  recommended, names, last_check (the prefs file), or pending (the -l list)
  on failure      error (a Host reason) and detail
"""

from __future__ import annotations

from typing import Any, TypedDict

from precheck.host.text import bounded


class OsFacts(TypedDict, total=False):
    system: str
    now: str
    unidentified: str
    os: dict[str, Any]
    updates: dict[str, Any]


def updates_error(source: str, reason: str, detail: str) -> dict[str, Any]:
    """The `updates` fact when the machine could not answer (the decider says UNKNOWN)."""
    return {"source": source, "error": reason, "detail": bounded(detail)}
