"""Sends staff queue work to the worker thread and drops answers for screens rebuilt meanwhile.

A language change rebuilds every kiosk screen; a query started by the old staff screen
must not call into its deleted widgets when the answer comes back. The worker thread is
handed only the job and a numbered ticket, never a widget or a callback that holds one:
if the worker dropped the last reference to a widget, Python would delete it on the
wrong thread.
"""

from __future__ import annotations

import functools
import itertools
import logging
import weakref
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject
from shiboken6 import isValid

from kiosk.config import Config

log = logging.getLogger(__name__)

#: QueueWorker.run's shape: fn runs on the worker with the store; callbacks on the GUI thread.
Runner = Callable[[Callable[[Any], Any], Callable[[Any], None],
                   Callable[[BaseException], None]], Any]
_Callbacks = tuple[QObject, Callable[[Any], None], Callable[[BaseException], None] | None]


def open_store(config: Config) -> Any:
    """The staff's CallbackStore; call it on the worker thread, where SQLAlchemy is imported."""
    from kiosk.callback_queue.deadlines import DeadlinePolicy
    from kiosk.callback_queue.store import CallbackStore
    from kiosk.ops.paths import database_url, prepare_data_dir
    from kiosk.staff.access import adopt_config_pin

    prepare_data_dir(config)  # the default queue's folder; a configured one must exist already
    store = CallbackStore.open(database_url(config), policy=DeadlinePolicy.from_config(config))
    try:  # the old shared PIN becomes the admin account Staff (once; see access.py)
        adopt_config_pin(store, config, _opener(config))
    except Exception:
        log.exception("could not make the config's [staff] pin_hash an account")
    return store


def _opener(config: Config) -> Any:
    from kiosk.callback_queue.model import Actor

    return Actor("upgrade", f"kiosk {config.kiosk_id}")


class _Waiting:
    """Callbacks by ticket; lives on the GUI thread, and the worker sees it only weakly."""

    __slots__ = ("calls", "__weakref__")

    def __init__(self) -> None:
        self.calls: dict[int, _Callbacks] = {}


def _answer(waiting: weakref.ref[_Waiting], ticket: int, succeeded: bool, value: Any) -> None:
    """Runs on the GUI thread (QueueWorker delivers there)."""
    found = waiting()
    callbacks = found.calls.pop(ticket, None) if found is not None else None
    if callbacks is None:
        return
    owner, on_done, on_error = callbacks
    if not isValid(owner):
        return
    if succeeded:
        on_done(value)
    elif on_error is not None:
        on_error(value)


class StaffJobs:
    """Runs ``fn(store)`` in the background; calls back only while ``owner`` still exists.

    ``fn`` must not hold widgets either: give it plain values (ids, statuses, a formatter).
    """

    def __init__(self, run: Runner) -> None:
        self._run = run
        self._waiting = _Waiting()
        self._tickets = itertools.count(1)

    def run(self, owner: QObject, fn: Callable[[Any], Any], on_done: Callable[[Any], None],
            on_error: Callable[[BaseException], None] | None = None) -> bool:
        """False when the worker has shut down and nothing was started."""
        ticket = next(self._tickets)
        self._waiting.calls[ticket] = (owner, on_done, on_error)
        waiting = weakref.ref(self._waiting)
        started = self._run(fn, functools.partial(_answer, waiting, ticket, True),
                            functools.partial(_answer, waiting, ticket, False))
        if started is None:
            self._waiting.calls.pop(ticket, None)
            return False
        return True
