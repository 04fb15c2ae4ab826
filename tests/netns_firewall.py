"""Run inside `unshare --net --mount`: set up one firewall case, then run the real precheck.

Usage: python -m tests.netns_firewall CASE_JSON. The case says which nftables ruleset to load
(`nft -f`), what /etc/ufw holds (a private copy bind-mounted over it, or an empty folder: "ufw
not installed"), whether to `ufw --force enable`, and whether to keep a TCP socket listening on
0.0.0.0:PORT while precheck runs. Everything happens in the private network and mount
namespaces, so the host's firewall and /etc/ufw are never touched. Prints precheck's JSON.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile


def main() -> int:
    case = json.loads(sys.argv[1])
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    scratch = tempfile.mkdtemp(prefix="precheck-ufw-")
    if case.get("ufw") in ("copy", "enable"):
        shutil.copytree("/etc/ufw", scratch, dirs_exist_ok=True)
    subprocess.run(["mount", "--bind", scratch, "/etc/ufw"], check=True)
    if case.get("ruleset"):
        subprocess.run(["nft", "-f", case["ruleset"]], check=True)
    if case.get("ufw") == "enable":
        subprocess.run(["ufw", "--force", "enable"], check=True, capture_output=True)
    listener = None
    if case.get("listen"):
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("0.0.0.0", case["listen"]))
        listener.listen()
    argv = [sys.executable, "-m", "precheck", "run", "--only", "firewall", "--json", "--no-report"]
    if case.get("user"):
        argv = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", *argv]
    env = {**os.environ, "PRECHECK_LANG": "en"}
    result = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=120)
    sys.stdout.write(result.stdout)
    sys.stderr.write(result.stderr)
    if listener is not None:
        listener.close()
    return 0 if result.stdout else 1


if __name__ == "__main__":
    sys.exit(main())
