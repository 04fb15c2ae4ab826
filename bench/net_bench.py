"""How long the network check takes, and how much a full `precheck run` grows with it.

    .venv/bin/python bench/net_bench.py [--runs N]

Everything runs against a local HTTPS server with a throwaway CA (tests/netserver.py), so no
traffic leaves this machine; the catalogue's own thresholds are used (20 round-trip requests
100 ms apart, 2 s of download and of upload). Prints:
- the network check alone (collect + decide), median and max (issue 20's target: under 8 s),
  on the local server as it is and on a modelled home line (server-side delay and throttle);
- the offline path: `precheck run --only network` against a closed port (target: seconds);
- a full `precheck run --json` with the network measuring, against one whose profile names no
  network targets (the check then answers at once): the difference is what network adds;
- the Wi-Fi parsers on 1 MiB of input.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PRECHECK = [sys.executable, "-m", "precheck"]


def profile_text(url: str | None) -> str:
    text = (ROOT / "checks/profiles/hellowork-tonami.toml").read_text("utf-8")
    text = re.sub(r'"https?://[^"]*"', '"http://localhost:1/"', text)
    if url is None:
        return text.replace('captive_portal_url = "http://localhost:1/"', 'captive_portal_url = ""')
    text = text.replace(
        'captive_portal_url = "http://localhost:1/"', f'captive_portal_url = "{url}/generate_204"'
    )
    text = text.replace(
        'second_probe_url = "http://localhost:1/"', f'second_probe_url = "{url}/connecttest.txt"'
    )
    text = text.replace(
        'https_probe_url = "http://localhost:1/"', f'https_probe_url = "{url}/generate_204"'
    )
    text = text.replace('download_url = ""', f'download_url = "{url}/down?bytes={{bytes}}"')
    return text.replace('upload_url = ""', f'upload_url = "{url}/up"')


def timed(args: list[str]) -> tuple[float, str]:
    started = time.perf_counter()
    out = subprocess.run(args, capture_output=True, text=True, check=False, cwd=ROOT).stdout
    return time.perf_counter() - started, out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    scratch = Path(tempfile.mkdtemp(prefix="precheck-netbench-"))
    os.environ["PRECHECK_DATA_DIR"] = str(scratch / "data")
    os.environ["PRECHECK_REPORTS_DIR"] = str(scratch / "reports")
    os.environ["NO_PROXY"] = "localhost,127.0.0.1"
    try:
        measure(runs, scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def measure(runs: int, scratch: Path) -> None:
    from precheck.catalogue import load_catalogue
    from precheck.host import LiveHost
    from precheck.probes import Context, network
    from precheck.profile import load_profile
    from tests.netserver import serve
    from tests.tlsca import make_ca

    ca = make_ca(scratch / "tls")
    os.environ["REQUESTS_CA_BUNDLE"] = str(ca.ca_cert)
    catalogue = load_catalogue()
    with serve(ca) as server:
        measuring = scratch / "measuring.toml"
        measuring.write_text(profile_text(server.url), "utf-8")
        unconfigured = scratch / "unconfigured.toml"
        unconfigured.write_text(profile_text(None), "utf-8")
        offline = scratch / "offline.toml"
        offline.write_text(
            profile_text(None).replace(
                'captive_portal_url = ""', 'captive_portal_url = "http://localhost:1/"'
            ),
            "utf-8",
        )

        spec = catalogue.checks["network"]
        ctx = Context(spec.thresholds, catalogue.table, load_profile(measuring))
        alone = []
        for _ in range(runs):
            started = time.perf_counter()
            verdict = network.decide(network.collect(LiveHost(), ctx), ctx)
            alone.append(time.perf_counter() - started)
        print(
            f"network check alone (local HTTPS server, catalogue thresholds): median "
            f"{statistics.median(alone):.2f} s, max {max(alone):.2f} s over {runs} runs "
            f"(target < 8 s); verdict {verdict.status.value} {verdict.code}"
        )

        # A modelled home line: 40 ms per request, 3.2 Mbps down, 2 Mbps up (server-side).
        line = {
            "rtt_url": f"{server.url}/generate_204?ms=40",
            "download_url": f"{server.url}/down?bytes={{bytes}}&rate=400000",
            "upload_url": f"{server.url}/up?rate=250000",
        }
        profile = load_profile(measuring)
        profile["checks"]["network"] = {**profile["checks"]["network"], **line}
        slow_ctx = Context(spec.thresholds, catalogue.table, profile)
        modelled = []
        for _ in range(runs):
            started = time.perf_counter()
            verdict = network.decide(network.collect(LiveHost(), slow_ctx), slow_ctx)
            modelled.append(time.perf_counter() - started)
        print(
            f"network check alone on a modelled 3.2/2 Mbps line with 40 ms requests: median "
            f"{statistics.median(modelled):.2f} s, max {max(modelled):.2f} s; "
            f"verdict {verdict.status.value} {verdict.code}"
        )

        quick = [
            timed([*PRECHECK, "run", "--only", "network", "--json", "--profile", str(offline)])[0]
            for _ in range(runs)
        ]
        print(
            f"offline (closed port), whole `precheck run --only network`: median "
            f"{statistics.median(quick):.2f} s, max {max(quick):.2f} s"
        )

        def full(profile: Path) -> tuple[float, float]:
            wall, out = timed([*PRECHECK, "run", "--json", "--profile", str(profile)])
            doc = json.loads(out)
            net = next(r for r in doc["results"] if r["id"] == "network")
            return wall, net["duration_ms"] / 1000

        with_net = [full(measuring) for _ in range(runs)]
        without = [full(unconfigured)[0] for _ in range(runs)]
        measured = statistics.median(w for w, _ in with_net)
        grow = measured - statistics.median(without)
        print(
            f"full run with the network measuring: median {measured:.2f} s "
            f"(network probe {statistics.median(n for _, n in with_net):.2f} s); "
            f"with the network not configured: {statistics.median(without):.2f} s; "
            f"the network adds {grow:.2f} s (it runs concurrently with the other checks)"
        )

    from precheck.parse.netsh_wlan import parse_netsh_wlan
    from precheck.parse.nmcli import parse_wifi_list

    block = (ROOT / "tests/data/samples/windows/netsh-wlan-show-interfaces-en.txt").read_text(
        "utf-8"
    )
    huge = block * (1_048_576 // len(block))
    started = time.perf_counter()
    parse_netsh_wlan(huge)
    netsh = time.perf_counter() - started
    lines = (ROOT / "tests/data/samples/linux/nmcli-terse-dev-wifi-list.txt").read_text("utf-8")
    huge = lines * (1_048_576 // len(lines))
    started = time.perf_counter()
    parse_wifi_list(huge)
    nmcli = time.perf_counter() - started
    print(f"parsers on 1 MiB: netsh {netsh * 1000:.0f} ms, nmcli {nmcli * 1000:.0f} ms")


if __name__ == "__main__":
    main()
