"""The kiosks' heartbeats in the queue database: one row per kiosk, overwritten each minute.

Qt-free. A heartbeat holds facts about the machine and its queue, never a patient's data.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import Engine, select

from kiosk.callback_queue.engine import upsert_insert, write_transaction
from kiosk.callback_queue.schema import kiosk_heartbeats_table as _beats

QUEUE_OK = "ok"  # the server took the last request; nothing waits
QUEUE_OUTBOX = "outbox"  # requests wait in the kiosk's outbox for the server
QUEUE_FAILING = "failing"  # the last submit or delivery to the server failed
LAST_ERROR_MAX_CHARS = 200


@dataclass(frozen=True, slots=True)
class Heartbeat:
    kiosk_id: str
    version: str
    started_at: datetime
    last_seen: datetime
    outbox_depth: int
    #: When the oldest request still in the outbox was stored there; None when empty.
    outbox_oldest_at: datetime | None
    queue_state: str
    #: "available", "unavailable", "off" or "unknown" (not probed yet).
    speech: str
    free_disk_bytes: int | None
    #: A short technical text (an exception's type, a time), never a name or a phone.
    last_error: str = ""


def record_heartbeat(engine: Engine, beat: Heartbeat) -> None:
    """Insert or overwrite this kiosk's row, in one statement."""
    values = asdict(beat)
    values["kiosk_id"] = beat.kiosk_id[:64]
    values["version"] = beat.version[:32]
    values["last_error"] = beat.last_error[:LAST_ERROR_MAX_CHARS]
    insert = upsert_insert(engine.dialect.name)
    stmt = insert(_beats).values(**values)
    stmt = stmt.on_conflict_do_update(
        index_elements=[_beats.c.kiosk_id],
        set_={k: stmt.excluded[k] for k in values if k != "kiosk_id"},
    )
    with write_transaction(engine) as conn:
        conn.execute(stmt)


def read_heartbeats(engine: Engine) -> list[Heartbeat]:
    """Every kiosk that has ever reported, by id."""
    with engine.connect() as conn:
        rows = conn.execute(select(_beats).order_by(_beats.c.kiosk_id)).all()
    return [Heartbeat(**row._asdict()) for row in rows]

