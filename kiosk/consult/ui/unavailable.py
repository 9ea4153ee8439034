"""Shown instead of the consult form while the queue cannot store requests: call us instead.

A form that cannot be saved would waste the patient's time; this asks them to call the
clinic (its number, large) or to ask at the desk. The kiosk keeps trying in the background
and offers the form again as soon as the queue works.
"""

from __future__ import annotations

from kiosk.consult.ui.message_screen import MessageScreen
from kiosk.shell.i18n import Translator


class ConsultUnavailableScreen(MessageScreen):
    def __init__(self, tr: Translator, clinic_phone: str) -> None:
        ask = (tr("Please call us for your free 15-minute phone consult:") if clinic_phone
               else tr("Please ask at the front desk for your free 15-minute phone consult."))
        super().__init__(
            "screen-consult-unavailable", tr,
            tr("Sorry, this kiosk cannot take requests right now"),
            [(ask, "welcome"), (clinic_phone, "clinic-phone"),
             (tr("You can also ask at the front desk.") if clinic_phone else "", "welcome")],
            "consult-unavailable-home")
        self.phone = self.lines[1]
        if not clinic_phone:  # hidden once in the layout: a parentless label shown is a window
            for label in self.lines[1:]:
                label.hide()
