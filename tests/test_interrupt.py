"""Ctrl+C at any moment of `precheck run` — while precheck loads, parses its arguments, starts
its checks, or waits for them — ends with the one line 「中断しました / Interrupted」 and exit
code 130, never a traceback (issue 15, item 4).

The moments are found, not guessed: the child runs with `-X importtime`, which writes a line
to stderr as each module finishes loading, and the test sends SIGINT the moment it reads the
line of the module named. Like a terminal's Ctrl+C, the signal goes to the whole process
group (the checks' child processes included). The answer must be the same whenever it lands,
so the extra delays after a marker only vary the moment; they are not waits for anything.
"""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import need

LINE = "中断しました / Interrupted"

MOMENTS = [
    ("precheck", 0.0),  # the package is loaded; runpy is still locating precheck.__main__
    ("precheck", 0.005),
    ("precheck.exitcodes", 0.0),  # inside `from precheck.cli import main`
    ("precheck.cli", 0.0),  # main() is starting: stdout/stderr being set up, parser next
    ("precheck.cli", 0.02),
    ("precheck.catalogue", 0.0),  # `run` is loading the catalogue and profile
    ("precheck.runner", 0.0),  # the probes are being started
    ("cpuinfo", 0.0),  # mid-run: the load check asks py-cpuinfo (about a second)
    ("cpuinfo", 0.1),
]


def interrupt_at(
    command: list[str], marker: str, extra: float, tmp_path: Path
) -> tuple[int, str, str]:
    env = {
        **os.environ,
        "PYTHONPROFILEIMPORTTIME": "1",
        "PRECHECK_LANG": "ja",
        "PRECHECK_DATA_DIR": str(tmp_path / "data"),
        "PRECHECK_REPORTS_DIR": str(tmp_path / "reports"),
    }
    child = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        start_new_session=True,
    )
    assert child.stderr is not None
    seen = []
    for line in child.stderr:
        seen.append(line)
        if line.startswith("import time:") and line.rstrip().split("|")[-1].strip() == marker:
            break
    else:
        child.wait()
        pytest.fail(f"the child never loaded {marker}: {''.join(seen)[-2000:]}")
    if extra:
        time.sleep(extra)  # only shifts the moment: whatever it is, the answer must be the same
    os.killpg(child.pid, signal.SIGINT)
    out, err = child.communicate(timeout=60)
    said = [
        line
        for line in ("".join(seen) + err).splitlines()
        if line.strip() and not line.startswith("import time:")
    ]
    return child.returncode, out, "\n".join(said)


@pytest.mark.parametrize(("marker", "extra"), MOMENTS)
def test_ctrl_c_during_python_m_precheck(marker: str, extra: float, tmp_path: Path) -> None:
    command = [sys.executable, "-m", "precheck", "run", "--json", "--no-report"]
    code, out, said = interrupt_at(command, marker, extra, tmp_path)
    assert "Traceback" not in said
    assert (code, out, said) == (130, "", LINE)


@pytest.mark.parametrize(
    ("marker", "extra"), [("precheck", 0.0), ("precheck.cli", 0.0), ("cpuinfo", 0.0)]
)
def test_ctrl_c_during_the_console_script(marker: str, extra: float, tmp_path: Path) -> None:
    """The `precheck` program pip installs (`from precheck.cli import entry` at its top)."""
    script = Path(sys.executable).parent / "precheck"
    need(script.exists(), f"the console script {script} (pip install -e .)")
    code, out, said = interrupt_at(
        [str(script), "run", "--json", "--no-report"], marker, extra, tmp_path
    )
    assert (code, out, said) == (130, "", LINE)


def test_importing_precheck_leaves_ctrl_c_alone() -> None:
    """Only the command holds Ctrl+C while it loads: a program that imports precheck keeps
    Python's KeyboardInterrupt and an unblocked SIGINT."""
    code = (
        "import signal, precheck, precheck.cli\n"
        "assert signal.SIGINT not in signal.pthread_sigmask(signal.SIG_BLOCK, [])\n"
        "assert signal.getsignal(signal.SIGINT) is signal.default_int_handler\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


# The booking prompts read through precheck.prompt.ask. Its child below gets a pseudo-terminal
# as stdin (where nothing is ever typed) and a SIGINT that the kernel must hand to another
# thread, because the main thread blocks it: Python's handler is then due, but no read(2) is
# interrupted. input() would wait for Enter for ever; ask() must raise KeyboardInterrupt.
_ASK_CHILD = """
import os, signal, sys, threading
from precheck.prompt import ask

go = threading.Event()
def send():
    go.wait()
    os.kill(os.getpid(), signal.SIGINT)
threading.Thread(target=send, daemon=True).start()  # created before the block: free to take it

master, slave = os.openpty()
sys.stdin = open(slave, encoding="utf-8")
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
go.set()
try:
    ask("Job seeker number: ")
except KeyboardInterrupt:
    print("interrupted")
"""


def test_a_ctrl_c_another_thread_took_still_ends_the_prompt() -> None:
    need(hasattr(signal, "pthread_sigmask"), "POSIX signal masks")
    done = subprocess.run(
        [sys.executable, "-c", _ASK_CHILD], capture_output=True, text=True, timeout=60
    )
    assert done.stdout.endswith("interrupted\n"), done.stderr
    assert done.stdout.startswith("Job seeker number: ")


def test_the_prompt_reads_one_typed_line_and_the_end_of_input(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from precheck.prompt import ask

    master, slave = os.openpty()
    with open(slave, encoding="utf-8") as terminal:
        monkeypatch.setattr(sys, "stdin", terminal)
        os.write(master, "山田 太郎\r次の行\r".encode())  # Enter sends CR
        assert ask("Name: ") == "山田 太郎"
        assert ask("Again: ") == "次の行"  # typed ahead: still there for the next question
        os.write(master, b"\x04")  # Ctrl+D at the start of a line: the end of input
        with pytest.raises(EOFError):
            ask("Name: ")
    os.close(master)
    assert capsys.readouterr().out == "Name: Again: Name: "
    monkeypatch.setattr(sys, "stdin", io.StringIO("piped\n"))  # not a terminal: input() itself
    assert ask("Name: ") == "piped"
