"""The load check measures the machine, not precheck (issue 15, item 6).

precheck samples the CPU while its other checks run; their work (apt, py-cpuinfo, a probe's
commands) is precheck's own and must not make the load check warn about "the machine".
"""

from __future__ import annotations

import subprocess
import sys

import psutil
import pytest

from precheck.host import LiveHost
from precheck.host.live import machine_cpu_percent

BURNER = (
    "import select, sys, time\n"
    "start_cpu, start = time.process_time(), time.monotonic()\n"
    "print('burning', flush=True)\n"
    "while not select.select([sys.stdin], [], [], 0)[0]:\n"
    "    for _ in range(100000): pass\n"
    "print(time.process_time() - start_cpu, time.monotonic() - start, flush=True)\n"
)
"""Burns one CPU until its stdin has something to read, then says how much CPU it used."""


def test_precheck_own_work_is_taken_out_of_the_machine_figure() -> None:
    """A process of precheck's own burning a CPU beside the sample — as a probe's command
    does — shows in precheck's share, not in the machine's load. The burner measures its own
    CPU time over a span that contains the sample, so the expectation is independent."""
    burner = subprocess.Popen(
        [sys.executable, "-c", BURNER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert burner.stdout is not None and burner.stdin is not None
    assert burner.stdout.readline().strip() == "burning"
    try:
        device = LiveHost().device()
    finally:
        burner.stdin.write("stop\n")
        burner.stdin.close()
        cpu_seconds, wall = map(float, burner.stdout.readline().split())
        burner.wait(timeout=60)
    burner_percent = 100 * cpu_seconds / wall / (psutil.cpu_count() or 1)
    assert burner_percent > 0
    # The burner's rate over its whole life, halved for the unevenness of a shared machine.
    assert device["cpu_percent_precheck"] >= burner_percent / 2, (device, burner_percent)
    assert device["cpu_percent"] + device["cpu_percent_precheck"] <= 100.0 + 0.2


@pytest.mark.parametrize(
    ("before", "after", "own", "expected"),
    [
        ((10.0, 20.0), (11.0, 21.0), 0.6, (40.0, 60.0)),  # a busy CPU, 60 % of it precheck's
        ((0.0, 0.0), (2.0, 2.0), 2.0, (0.0, 100.0)),  # all of it precheck's: machine idle
        ((0.0, 0.0), (0.5, 2.0), 0.0, (25.0, 0.0)),  # precheck idle: the system figure
        ((0.0, 0.0), (0.5, 2.0), 0.9, (0.0, 45.0)),  # own counted a little late: never < 0
        ((0.0, 0.0), (1.0, 1.0), 5.0, (0.0, 100.0)),  # own beyond the span: capped at 100
        ((5.0, 5.0), (5.0, 5.0), 0.0, (0.0, 0.0)),  # no time passed: nothing to say
    ],
)
def test_machine_figure_from_counters(
    before: tuple[float, float],
    after: tuple[float, float],
    own: float,
    expected: tuple[float, float],
) -> None:
    assert machine_cpu_percent(before, after, own) == expected
