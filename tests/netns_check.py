"""Run the network check inside a private network namespace (`unshare -n`, root), where the
kernel itself impairs the loopback link, and print the verdict as JSON.

    unshare -n python -m tests.netns_check CA_DIR [tc qdisc arguments for lo...]

Nothing here can reach another machine: a fresh namespace has only `lo`, and no route.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.tlsca import LocalCA


def main() -> None:
    folder, qdisc = Path(sys.argv[1]), sys.argv[2:]
    # A 1500-byte MTU as on a real link (lo has 64 KiB): tbf drops packets above its burst.
    subprocess.run(["ip", "link", "set", "lo", "mtu", "1500", "up"], check=True)
    if qdisc:
        subprocess.run(["tc", "qdisc", "add", "dev", "lo", "root", *qdisc], check=True)
    ca = LocalCA(folder / "ca.pem", folder / "server.pem", folder / "server-key.pem")
    from tests.netserver import serve
    from tests.test_network import run_network

    with serve(ca) as server:
        result, facts = run_network(
            {
                "captive_portal_url": f"{server.url}/generate_204",
                "https_probe_url": f"{server.url}/generate_204",
                "download_url": f"{server.url}/down?bytes={{bytes}}",
                "upload_url": f"{server.url}/up",
            }
        )
    print(json.dumps({"status": result.status.value, "code": result.code, "facts": facts}))


if __name__ == "__main__":
    main()
