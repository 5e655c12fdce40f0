"""Domain errors. Each carries the exit code the CLI turns it into (README: Exit codes)."""


class TransdeskError(Exception):
    """Base class: the message is shown to the user as one `Error: ...` line."""

    exit_code = 2


class BadInput(TransdeskError):
    """Bad usage or unreadable input: unknown article, bad language, malformed file."""

    exit_code = 2


class Refused(TransdeskError):
    """The command ran and the answer is "no" (incomplete language, failed check)."""

    exit_code = 1


class ProviderError(TransdeskError):
    """A machine-translation provider failed (network, quota, garbage answer)."""

    exit_code = 1
