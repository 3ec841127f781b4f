"""Workers of `serve --workers N` exit when their supervisor dies.

uvicorn's supervisor forwards signals to its workers, but a supervisor killed with SIGKILL
forwards nothing: the workers were re-parented and went on serving the port, so a restart failed
with "Address already in use". Each worker remembers its parent and polls `os.getppid()`; once it
changes, the worker shuts down as on SIGTERM (in-flight requests finish), and is forced out if
that takes too long. Polling is portable; Linux's PR_SET_PDEATHSIG would fire when the *thread*
that started the worker ends, which is not the supervisor's death.
"""

from __future__ import annotations

import os
import signal
import threading
import time

POLL = 0.5  # seconds between checks
GRACE = 10.0  # seconds for a graceful shutdown before the worker is forced out


def exit_with_parent(poll: float = POLL, grace: float = GRACE) -> threading.Thread:
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(poll)
        os.kill(os.getpid(), signal.SIGTERM)  # uvicorn's graceful shutdown
        time.sleep(grace)
        os._exit(1)

    thread = threading.Thread(target=watch, name="certprep-parent-watchdog", daemon=True)
    thread.start()
    return thread
