"""The thank-you screen: shown only once the request is durably stored, then Home by itself.

Its promise names when the clinic will call, in the patient's language: the due time of a
request made now (``[staff] callback_within_min`` business minutes inside ``[clinic]
hours``), said as people say it: "within the hour", "this afternoon", "tomorrow morning",
"by Monday morning".
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QTimer

from kiosk.callback_queue.deadlines import DeadlinePolicy
from kiosk.consult.ui.message_screen import MessageScreen
from kiosk.shell.i18n import Translator

DONE_RETURN_MS = 12_000
#: A call due this soon is promised "within the hour".
SOON = timedelta(minutes=60)
#: Further away than this, the promise names no day.
WEEK = 6


def _now() -> datetime:
    return datetime.now(UTC)


def promise(tr: Translator, due: datetime, now: datetime, policy: DeadlinePolicy) -> str:
    """How to say ``due`` to a patient at ``now``, on the clinic's clocks."""
    if due - now <= SOON:
        return tr("within the hour")
    tz = policy.hours.tz
    local = due.astimezone(tz)
    days = (local.date() - now.astimezone(tz).date()).days
    part = 0 if local.hour < 12 else 1 if local.hour < 18 else 2
    if days <= 0:
        return (tr("this morning"), tr("this afternoon"), tr("this evening"))[part]
    if days == 1:
        return (tr("tomorrow morning"), tr("tomorrow afternoon"), tr("tomorrow evening"))[part]
    if days <= WEEK:
        day = (tr("Monday"), tr("Tuesday"), tr("Wednesday"), tr("Thursday"), tr("Friday"),
               tr("Saturday"), tr("Sunday"))[local.weekday()]
        return (tr("by {day} morning", day=day), tr("by {day} afternoon", day=day),
                tr("by {day} evening", day=day))[part]
    return tr("within a few days")


class ConsultDoneScreen(MessageScreen):
    """ "Thank you — we will call you …", then Home again by itself after a short while."""

    def __init__(self, tr: Translator, policy: DeadlinePolicy | None = None,
                 now: Callable[[], datetime] = _now,
                 take_home: tuple[str, str] | None = None) -> None:
        """``take_home``: (what the QR code opens, the line saying so), or no code."""
        self._tr = tr
        self._policy = policy or DeadlinePolicy.default()
        self._clock = now
        self.take_home = None
        if take_home is not None:
            from kiosk.shell.ui.take_home import TakeHomeCode

            self.take_home = TakeHomeCode(*take_home)
        super().__init__(
            "screen-consult-done", tr, self._promise_text(),
            [(tr("Your request has been saved. You can keep reading while you wait."),
              "welcome")],
            "consult-done-home", self.take_home)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DONE_RETURN_MS)
        self._timer.timeout.connect(self.finished)

    def _promise_text(self) -> str:
        now = self._clock()
        due = self._policy.first_due(now)  # as the store reckons the request just made
        return self._tr("Thank you — we will call you {promise}.",
                        promise=promise(self._tr, due, now, self._policy))

    def entered(self) -> None:
        self.message.setText(self._promise_text())
        self._timer.start()

    def reset(self) -> None:
        self._timer.stop()
