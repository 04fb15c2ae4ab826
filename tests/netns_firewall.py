"""Run inside `unshare --net --mount`: set up one firewall case, then run the real precheck.

Usage: python -m tests.netns_firewall CASE_JSON. The case says which nftables ruleset to load
(`nft -f`), what /etc/ufw holds (a private copy bind-mounted over it, or an empty folder: "ufw
not installed"), whether to `ufw --force enable`, whether to run the real firewalld (on a
private system D-Bus, with a private copy of /etc/firewalld) in a given default zone, and
whether to keep a TCP socket listening on 0.0.0.0:PORT while precheck runs. Everything happens
in the private network and mount namespaces, so the host's firewall, /etc/ufw, /etc/firewalld
and its D-Bus are never touched; the daemons it starts are stopped before it exits. Prints
precheck's JSON.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack


def wait_until(check: list[str], seconds: float) -> None:
    """Poll a command until it succeeds (firewalld's own readiness), or give up loudly."""
    deadline = time.monotonic() + seconds
    while subprocess.run(check, capture_output=True, check=False).returncode != 0:
        if time.monotonic() > deadline:
            raise SystemExit(f"{' '.join(check)} never succeeded")
        time.sleep(0.2)


def start_firewalld(stack: ExitStack, zone: str) -> None:
    subprocess.run(["mount", "-t", "tmpfs", "tmpfs", "/run/dbus"], check=True)
    subprocess.run(["mount", "-t", "tmpfs", "tmpfs", "/var/log"], check=True)
    config = tempfile.mkdtemp(prefix="precheck-firewalld-")
    stack.callback(shutil.rmtree, config, True)  # after the daemons below have stopped
    shutil.copytree("/etc/firewalld", config, dirs_exist_ok=True)
    subprocess.run(["mount", "--bind", config, "/etc/firewalld"], check=True)
    for argv in (
        ["dbus-daemon", "--system", "--nofork", "--nopidfile"],
        ["firewalld", "--nofork", "--nopid"],
    ):
        process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        stack.callback(process.wait, 30)
        stack.callback(process.terminate)
        if argv[0] == "dbus-daemon":
            wait_until(["test", "-S", "/run/dbus/system_bus_socket"], 30)
    wait_until(["firewall-cmd", "--state"], 90)
    subprocess.run(["firewall-cmd", f"--set-default-zone={zone}"], check=True, capture_output=True)


def main() -> int:
    case = json.loads(sys.argv[1])
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    with ExitStack() as stack:
        # Temporary folders are removed on the way out: the bind mounts over them end with this
        # process's mount namespace, the real /etc/ufw and /etc/firewalld are never touched.
        scratch = stack.enter_context(tempfile.TemporaryDirectory(prefix="precheck-ufw-"))
        if case.get("ufw") in ("copy", "enable"):
            shutil.copytree("/etc/ufw", scratch, dirs_exist_ok=True)
        subprocess.run(["mount", "--bind", scratch, "/etc/ufw"], check=True)
        if case.get("firewalld"):
            start_firewalld(stack, case["firewalld"])
        if case.get("ruleset"):
            subprocess.run(["nft", "-f", case["ruleset"]], check=True)
        if case.get("ufw") == "enable":
            subprocess.run(["ufw", "--force", "enable"], check=True, capture_output=True)
        if case.get("listen"):
            listener = stack.enter_context(socket.socket())
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            listener.bind(("0.0.0.0", case["listen"]))
            listener.listen()
        argv = [sys.executable, "-m", "precheck", "run", "--only", "firewall", "--json",
                "--no-report"]  # fmt: skip
        if case.get("user"):
            argv = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", *argv]
        env = {**os.environ, "PRECHECK_LANG": "en"}
        if case.get("user"):
            # nobody may not read the test's local profile (a root-only temp folder); only the
            # firewall check runs here, which sends nothing, so the built-in profile serves
            env.pop("PRECHECK_PROFILE", None)
        result = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=120)
    sys.stdout.write(result.stdout)
    sys.stderr.write(result.stderr)
    return 0 if result.stdout else 1


if __name__ == "__main__":
    sys.exit(main())
