"""One typed answer from the terminal, with Ctrl+C honoured at every moment.

CPython's input() shows the prompt and then blocks in read(2). A SIGINT that arrives between
the two, or one the kernel hands to another thread, only marks Python's handler as due (it
runs between bytecodes), so the KeyboardInterrupt waited for the next Enter: under load a
Ctrl+C pressed as the booking prompt appeared went unanswered for a minute (tests/stress.sh).
Here the wait is select(2) in turns of at most TURN seconds: a Ctrl+C during a turn ends it at
once, one that came before it is raised when the turn ends.

A terminal in its usual (canonical) mode hands over one whole line per read, so once select
says stdin is readable, readline() returns without blocking. Windows consoles cannot be
select()ed and a pipe is not a person typing: both keep input().
"""

from __future__ import annotations

import os
import select
import sys

TURN = 0.2
"""Seconds between two looks at a pending Ctrl+C while nothing is typed."""


def ask(prompt: str) -> str:
    """input(prompt), except that a Ctrl+C is never left waiting for Enter."""
    stdin = sys.stdin
    if os.name == "nt" or stdin is None or not stdin.isatty():
        return input(prompt)
    sys.stdout.write(prompt)
    sys.stdout.flush()
    while not select.select([stdin], [], [], TURN)[0]:
        pass  # back in the interpreter: a Ctrl+C already received is raised here
    line = stdin.readline()
    if not line:
        raise EOFError
    return line.rstrip("\r\n")
