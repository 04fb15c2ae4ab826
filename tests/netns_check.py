"""Run the network check inside a private network namespace (`unshare -n`, root), where the
kernel itself impairs the loopback link, and print the verdict as JSON.

    unshare -n python -m tests.netns_check CA_DIR [--drop-every N] [tc qdisc arguments for lo...]

`--drop-every N` makes nftables drop every Nth packet arriving on the namespace's loopback
(`numgen inc`, a counter, so the loss is the same on every run): real packet loss, which TCP
turns into retransmission delays (netem, the usual tool for loss and delay, is not in this
kernel).

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
    if qdisc[:1] == ["--drop-every"]:
        every, qdisc = int(qdisc[1]), qdisc[2:]
        rules = (
            "add table inet impair\n"
            "add chain inet impair input { type filter hook input priority 0; }\n"
            f"add rule inet impair input numgen inc mod {every} == 0 drop\n"
        )
        subprocess.run(["nft", "-f", "-"], input=rules, text=True, check=True)
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
    problems = [p.code for p in result.params.get("problems", [])]
    print(
        json.dumps(
            {
                "status": result.status.value,
                "code": result.code,
                "problems": problems,
                "facts": facts,
            }
        )
    )


if __name__ == "__main__":
    main()
