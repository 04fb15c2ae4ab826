"""Exit codes, one meaning each, documented in the README."""

READY = 0
"""precheck run/replay: every required check passed."""
NOT_READY = 1
"""precheck run/replay: needs attention or not ready (see the printed verdict or --json)."""
USAGE = 2
"""Bad arguments, unreadable or corrupt input files (evidence, profile), or an internal error."""
WRITE_FAILED = 3
"""A result could not be saved (full disk, no permission); nothing half-written was left."""
ALL_VALID = 0
"""precheck verify/show: every report is valid (genuine, fresh, known format, number matches)."""
SOME_INVALID = 1
"""precheck verify/show: at least one report is not valid (see its state and reasons)."""
INTERRUPTED = 130
BROKEN_PIPE = 141
"""The program reading the output closed it early (as a shell reports SIGPIPE)."""
