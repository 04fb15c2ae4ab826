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
OFFICE_DATABASE = 10
"""precheck office: the database cannot be opened, reached or brought to the current schema."""
OFFICE_LISTEN = 11
"""precheck office serve: the address cannot be listened on (in use, no permission)."""
OFFICE_NOT_INSTALLED = 12
"""precheck office: the office extra is not installed (pip install 'precheck[office]')."""
OFFICE_ACCOUNT = 13
"""precheck office add-user/remove-user: the account was not changed (bad or taken name, no
such account, a password refused or typed differently twice)."""
BOOKING_REFUSED = 20
"""precheck book: a field or a desired slot was refused (or the office's intake refused the
booking); the reasons are printed and what was typed is kept as a draft."""
BOOKING_NO_CONSENT = 21
"""precheck book: the terms were not agreed to (no --yes when not interactive, or "no")."""
BOOKING_QUEUED = 22
"""precheck book / outbox: the email draft is ready, but the intake submission still waits in
the outbox (offline, server failure, untrusted certificate); `precheck outbox --send` retries."""
OFFICE_BACKUP = 14
"""precheck office backup/restore: no backup was written or nothing was restored (the tool,
the target or the backup file is unusable); the message says which."""
