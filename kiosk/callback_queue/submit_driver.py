"""Submits requests one by one and says when each is confirmed, for durability tests.

Run as ``python -m kiosk.callback_queue.submit_driver --url URL --kiosk-id K --count N``.
Each ``confirmed <idempotency_key>`` line is printed only after submit returned, which is
when the kiosk would show the patient their confirmation.
"""

from __future__ import annotations

import argparse
import random
import sys
import uuid
from collections.abc import Sequence
from pathlib import Path

from kiosk.callback_queue.engine import is_sqlite
from kiosk.callback_queue.model import BestTime, NewRequest, utc_now
from kiosk.callback_queue.outbox import ResilientQueue
from kiosk.callback_queue.validation import validate_consult

_TIMES = tuple(BestTime)


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="primary store URL")
    parser.add_argument("--kiosk-id", required=True)
    parser.add_argument("--count", type=int, required=True, help="requests to submit")
    parser.add_argument("--outbox", type=Path, help="outbox file (needed for PostgreSQL)")
    parser.add_argument(
        "--seed",
        type=int,
        help="derive idempotency keys from this seed, so two drivers can race on the same keys",
    )
    args = parser.parse_args(argv)
    if args.outbox is None and not is_sqlite(args.url):
        parser.error("--outbox is required when the primary is not SQLite")
    if args.count < 0:
        parser.error("--count must not be negative")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = _parse_args(argv)
    rng = random.Random(args.seed)
    outbox = args.outbox or Path(f"{args.url.removeprefix('sqlite:///')}.outbox")
    with ResilientQueue(args.url, outbox) as queue:
        print("ready", flush=True)
        for number in range(args.count):
            form = validate_consult(
                name=f"Test Patient {args.kiosk_id} {number}",
                phone=f"+1 202 555 {number % 10_000:04d}",
                best_time=_TIMES[number % len(_TIMES)].value,
                consent=True,
                region="US",
            )
            assert form.ok and form.name and form.phone_e164 and form.best_time, form.errors
            key = (
                str(uuid.UUID(int=rng.getrandbits(128), version=4))
                if args.seed is not None
                else str(uuid.uuid4())
            )
            req = NewRequest(
                key, args.kiosk_id, form.name, form.phone_e164, form.best_time, utc_now()
            )
            queue.submit(req)
            sys.stdout.write(f"confirmed {req.idempotency_key}\n")
            sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
