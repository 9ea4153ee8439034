"""The real kiosk window, offscreen, sending consult requests through its form for ever.

Run by test_gui_durability.py as ``python gui_submitter.py CONFIG FIRST``: it prints
``ready`` once the window is up, then ``confirmed <phone>`` each time the thank-you
screen appears, which is when a patient would believe their request was kept.
"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication  # noqa: E402

from kiosk.app import build_kiosk  # noqa: E402


def phone(n: int) -> str:
    return f"+1 202 555 {n % 10_000:04d}"


def main(config: str, first: int) -> int:
    app = QApplication(sys.argv[:1])
    window = build_kiosk(config, windowed=True)
    window.resize(1280, 800)
    window.show()
    number = first

    def send() -> None:
        window.go_home()
        window.show_screen("consult")
        form = window.screens["consult"]
        form.name.setText(f"Patient {number}")
        form.phone.setText(phone(number))
        form.times.buttons()[-1].click()
        form.consent.setChecked(True)
        form.submit_button.click()

    def changed(_index: int) -> None:
        nonlocal number
        if window.current_screen() == "consult-done":
            print(f"confirmed {phone(number)}", flush=True)
            number += 1
            from PySide6.QtCore import QTimer

            QTimer.singleShot(0, send)

    window.stack.currentChanged.connect(changed)
    print("ready", flush=True)
    from PySide6.QtCore import QTimer

    QTimer.singleShot(300, send)  # after the queue's warm-up
    return app.exec()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], int(sys.argv[2])))
