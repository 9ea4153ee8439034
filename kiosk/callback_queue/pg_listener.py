"""Lets a staff console hear about new or changed requests at once on PostgreSQL (LISTEN/NOTIFY)."""

from __future__ import annotations

from typing import Self

import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url

from kiosk.callback_queue.engine import DEFAULT_CONNECT_TIMEOUT_S, ClosesOnExit
from kiosk.callback_queue.store import LISTEN_CHANNEL


def libpq_conninfo(url: str) -> str:
    """Turn a SQLAlchemy ``postgresql+psycopg://`` URL into one psycopg can connect with."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


class PgListener(ClosesOnExit):
    """A dedicated connection LISTENing on the queue's channel.

    Use it from one thread. If the connection drops, ``wait_for_notification`` raises
    psycopg.OperationalError; the next call reconnects (and may raise again while the
    server is down), so a console can fall back to polling ``change_marker`` meanwhile.
    """

    def __init__(
        self,
        url: str,
        channel: str = LISTEN_CHANNEL,
        connect_timeout_s: int = DEFAULT_CONNECT_TIMEOUT_S,
    ) -> None:
        self._conninfo = libpq_conninfo(url)
        self._channel = channel
        self._connect_timeout_s = max(2, int(connect_timeout_s))
        self._conn: psycopg.Connection | None = None

    def connect(self) -> None:
        """Start listening now, so nothing committed after this call is missed."""
        if self._conn is not None and not self._conn.closed:
            return
        conn = psycopg.connect(
            self._conninfo, autocommit=True, connect_timeout=self._connect_timeout_s
        )
        conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(self._channel)))
        self._conn = conn

    def wait_for_notification(self, timeout_s: float) -> bool:
        """True as soon as a change is announced, False after ``timeout_s`` of silence.

        Notifications that have already arrived are drained, so a burst of submissions
        usually wakes the console once (one still in flight wakes it once more).
        """
        self.connect()
        assert self._conn is not None
        try:
            heard = any(True for _ in self._conn.notifies(timeout=timeout_s, stop_after=1))
            if heard:
                for _ in self._conn.notifies(timeout=0.0):
                    pass
        except psycopg.OperationalError:
            self.close()
            raise
        return heard

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def __enter__(self) -> Self:
        self.connect()
        return super().__enter__()
