"""When the kiosk tries its queue again: outbox delivery, and a queue that cannot store.

Qt-free, so the schedule and the one-log-line-per-episode rule are tested without a clock.
"""

from __future__ import annotations

import logging

#: The first retry comes this soon; each next one waits twice as long, up to the cap. With
#: the 3 s connect timeout a request reaches a server that came back within 30 s.
FIRST_RETRY_S = 5.0
MAX_RETRY_S = 25.0


class Backoff:
    """5 s, 10 s, 20 s, 25 s, 25 s …; ``reset`` starts again from the first."""

    def __init__(self, first_s: float | None = None, cap_s: float | None = None) -> None:
        self._first_s = FIRST_RETRY_S if first_s is None else first_s
        self._cap_s = MAX_RETRY_S if cap_s is None else cap_s
        self._tries = 0

    def next_delay_s(self) -> float:
        delay = min(self._first_s * 2 ** min(self._tries, 16), self._cap_s)
        self._tries += 1
        return delay

    def reset(self) -> None:
        self._tries = 0


class Availability:
    """Whether the queue can store a request now, told in episodes: one ERROR when it stops,
    one INFO when it works again, nothing for the retries in between."""

    def __init__(self, log: logging.Logger) -> None:
        self._log = log
        self.ok = True

    def failed(self, exc: BaseException) -> bool:
        """Record a failure; True when it starts an episode."""
        if not self.ok:
            return False
        self.ok = False
        # The type and message only: a database error's text names no patient (parameters
        # are hidden by the engine), and a traceback per episode is enough in the log.
        self._log.error("the callback queue cannot store requests (%s: %s); patients are "
                        "asked to call the clinic until it works again",
                        type(exc).__name__, exc, exc_info=exc)
        return True

    def worked(self) -> bool:
        """Record a success; True when it ends an episode."""
        if self.ok:
            return False
        self.ok = True
        self._log.info("the callback queue stores requests again")
        return True
