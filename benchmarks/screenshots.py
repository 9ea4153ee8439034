"""`make screenshots`: renders every kiosk screen to PNG under docs/screenshots/."""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from kiosk.app import build_kiosk  # noqa: E402

SIZE = (1280, 800)
DEMO = Path(__file__).resolve().parent.parent / "resources" / "demo-config.toml"


def _settle(app: QApplication) -> None:
    for _ in range(3):
        app.processEvents()


def grab(window: QWidget, out: Path, name: str, app: QApplication) -> None:
    _settle(app)
    path = out / f"{name}.png"
    window.grab().save(str(path))
    print(path)


def main(out_dir: str = "docs/screenshots") -> int:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    window = build_kiosk(DEMO, windowed=True)
    window.resize(*SIZE)
    window.show()
    grab(window, out, "home", app)
    for name in window.navigator.sections:
        window.go_home()
        window.show_screen(name)
        grab(window, out, name, app)
        screen = window.screens[name]
        if screen.cards:
            screen.cards[0].button.click()
            app.processEvents()
            screen._scroll.ensureWidgetVisible(screen.cards[0].detail, 0, 40)
            grab(window, out, f"{name}-card-open", app)
            screen.reset()
    for name, action in extra_screens(window):
        window.go_home()
        action()
        grab(window, out, name, app)
    window.go_home()
    window.idle.warning_started.emit(12)
    grab(window, out, "idle-warning", app)
    window.idle_warning.hide()
    for suffix, change in variants(window):
        window.reset_for_next_visitor()
        change()
        for name in ("home", "section-how-it-works", "consult"):
            window.go_home()
            if name != "home":
                window.show_screen(name)
            grab(window, out, f"{name}-{suffix}", app)
    window.reset_for_next_visitor()
    return 0


def variants(window):
    yield "large-text", window.cycle_text_size
    yield "largest-text", lambda: (window.cycle_text_size(), window.cycle_text_size())
    yield "high-contrast", window.toggle_contrast
    yield "spanish", window.toggle_language


def extra_screens(window):
    yield "consult", lambda: window.show_screen("consult")
    yield "consult-done", lambda: window.show_screen("consult-done")
    yield "staff-pin", lambda: window.show_screen("pin")
    yield "staff-queue", lambda: window.show_screen("staff")


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
