"""A request kept in the outbox while the server was down: how soon after the server is back
does it arrive, with the kiosk running and nobody touching it?

A real PostgreSQL (Debian's binaries, as the tests start it) is stopped, a request is sent
through the kiosk's QueueKeeper (so it goes to the outbox), the server is started again
after a short outage, and the clock runs until the request is on the server. The baseline,
measured in the same rounds, is how long the returning server takes to accept a direct
connection: the floor any delivery has.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

from benchmarks.bench_rows import Row, limit_row, median

ROOT = Path(__file__).resolve().parents[1]


def _wait(app, until, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        app.processEvents()
        if until():
            return True
        time.sleep(0.005)
    return False


def run(quick: bool, workdir: Path) -> list[Row]:
    sys.path.insert(0, str(ROOT / "tests"))
    from pg_server import start_server
    from PySide6.QtWidgets import QApplication

    from kiosk.callback_queue.model import BestTime, NewRequest
    from kiosk.callback_queue.outbox import ResilientQueue
    from kiosk.callback_queue.store import CallbackStore
    from kiosk.consult.ui.queue_keeper import QueueKeeper
    from kiosk.shell.ui.queue_worker import QueueWorker

    app = QApplication.instance() or QApplication([])  # the ui bench runs in it next
    server = start_server()
    rounds = 2 if quick else 10
    rng = random.Random(20261201)
    delivered_s: list[float] = []
    accepted_s: list[float] = []
    try:
        url = server.url_for(server.create_database())
        worker = QueueWorker(lambda: ResilientQueue(url, workdir / "outbox.sqlite3"))
        keeper = QueueKeeper(worker)
        for n in range(rounds):
            server.stop()
            answers: list[object] = []
            request = NewRequest.create("bench", f"Patient {n}", f"+1202555{n:04d}",
                                        BestTime.ANY)
            keeper.submit(request, answers.append, answers.append)
            if not _wait(app, lambda answers=answers: answers, 30):
                raise RuntimeError("no answer to the submit")
            time.sleep(rng.uniform(0.5, 3.0))  # the outage goes on a little
            server.start()
            back = time.monotonic()
            with CallbackStore.open(url) as store:
                accepted_s.append(time.monotonic() - back)

                def arrived(store: CallbackStore = store, n: int = n) -> bool:
                    return store.count() == n + 1

                if not _wait(app, arrived, 60):
                    raise RuntimeError("the request never reached the server")
            delivered_s.append(time.monotonic() - back)
        keeper.shutdown()
    finally:
        server.destroy()
    note = (f"{rounds} outages of 0.5–3 s on a real PostgreSQL; submit while down (to the "
            "outbox), start the server, time until the row is on it with the event loop "
            "running; baseline: the returning server accepting a direct connection")
    return [limit_row("Outbox delivery after the server returns, median",
                      median(delivered_s), 30.0, "s", baseline=median(accepted_s), note=note),
            limit_row("Outbox delivery after the server returns, worst",
                      max(delivered_s), 30.0, "s", baseline=max(accepted_s), note="same runs")]
