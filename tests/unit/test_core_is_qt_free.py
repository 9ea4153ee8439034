"""The core runs without Qt: config, content, navigation, translations, the queue, staff rules."""

from __future__ import annotations

import subprocess
import sys

CORE = ["kiosk.config", "kiosk.content", "kiosk.navigation", "kiosk.i18n", "kiosk.icon_names",
        "kiosk.check", "kiosk.paths", "kiosk.staff_pin", "kiosk.staff_access",
        "kiosk.staff_rows", "kiosk.staff_export", "kiosk.callback_queue.model",
        "kiosk.callback_queue.validation", "kiosk.callback_queue.store",
        "kiosk.callback_queue.outbox", "kiosk.callback_queue.export", "kiosk.ui.theme"]


def test_core_modules_import_no_qt():
    code = (f"import sys; import {', '.join(CORE)}; "
            "print(sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, check=True)
    assert done.stdout.strip() == "[]"
