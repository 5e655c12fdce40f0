"""Process lifetime: a command stops cleanly on SIGTERM/SIGHUP, and the workers it
forks die with it, however it dies.

* `exit_on_termination` (the CLI calls it first): SIGTERM and SIGHUP raise SystemExit
  (status 128 + signal) in the main thread, so `finally` blocks run: the transaction
  rolls back, temporary files are removed, worker pools are terminated.
* `die_with_parent` (the first thing a forked worker runs): the worker is killed when
  its parent dies, even by SIGKILL, which no handler sees. On Linux the kernel does it
  (`prctl(PR_SET_PDEATHSIG, SIGKILL)`); everywhere a watcher thread also polls
  `os.getppid()` and exits the worker once the parent is gone.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from types import FrameType

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
POLL_SECONDS = 0.5
TERMINATION_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)
)


class Terminated(SystemExit):
    """Raised in the main thread by SIGTERM or SIGHUP; exits with 128 + the signal."""


def _raise_terminated(signum: int, _frame: FrameType | None) -> None:
    for sig in TERMINATION_SIGNALS:  # a second signal while cleaning up: let it kill
        signal.signal(sig, signal.SIG_DFL)
    raise Terminated(128 + signum)


def exit_on_termination() -> None:
    """Turn SIGTERM and SIGHUP into `Terminated` (only in the main thread; a signal
    the user chose to ignore, `nohup`, stays ignored)."""
    if threading.current_thread() is not threading.main_thread():
        return
    for sig in TERMINATION_SIGNALS:
        if signal.getsignal(sig) is signal.SIG_IGN:
            continue
        signal.signal(sig, _raise_terminated)


def die_with_parent(parent: int, kernel: bool = True) -> None:
    """Make this (forked) worker die when process `parent` does (`kernel`: also ask
    Linux to kill it at once). Also restores the default SIGTERM/SIGHUP actions, so
    that a pool's `terminate()` ends the worker at once, without the parent's cleanup
    handlers."""
    for sig in TERMINATION_SIGNALS:
        signal.signal(sig, signal.SIG_DFL)
    if kernel and sys.platform.startswith("linux"):
        _pdeathsig(signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before we got here
        os._exit(1)
    watcher = threading.Thread(target=_watch_parent, args=(parent,), name="parent-watch",
                               daemon=True)
    watcher.start()


def _pdeathsig(sig: int) -> bool:
    """Ask the kernel to send `sig` to this process when its parent exits."""
    import ctypes  # here: ctypes.util costs every command's start-up a tenth of a second
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _watch_parent(parent: int) -> None:
    stop = threading.Event()
    while not stop.wait(POLL_SECONDS):
        if os.getppid() != parent:
            os._exit(1)
