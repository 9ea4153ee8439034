"""`make screenshots`: renders every kiosk screen to PNG under docs/screenshots/, and a
contact sheet (``sizes.png``) of Home and the consult form on every glass the kiosk is
checked on (tests/shell/ui/test_size_matrix.py), one offscreen screen per process."""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from kiosk.app import build_kiosk  # noqa: E402

SIZE = (1280, 800)
#: (logical width, height, device pixel ratio): the glass of tests/shell/ui/test_size_matrix.py.
GLASS = ((1024, 600, 1), (1280, 720, 1), (1280, 800, 1), (1366, 768, 1), (1920, 1080, 1),
         (2560, 1440, 1), (1920, 1080, 2), (600, 1024, 1), (800, 1280, 1), (1080, 1920, 1))
TILE_HEIGHT = 300  # each landscape picture on the sheet is scaled to this height
PORTRAIT_HEIGHT = 560  # and each portrait one to this
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
    contact_sheet(out)
    return 0


def glass_pictures(out: Path, width: int, height: int, dpr: int) -> list[Path]:
    """Home and the consult form on one glass, rendered by a process of its own (a QScreen's
    size is fixed for life)."""
    import subprocess

    sys.path.insert(0, str(DEMO.parent.parent / "tests" / "shell" / "ui"))
    from layout_audit import screen_config

    names = [out / f"glass-{width * dpr}x{height * dpr}-{page}.png" for page in ("home", "consult")]
    env = {**os.environ, **screen_config(width, height, dpr)}
    subprocess.run([sys.executable, "-m", "benchmarks.screenshots", "--glass", *map(str, names)],
                   env=env, check=True, cwd=DEMO.parent.parent)
    return names


def render_glass(home_png: str, consult_png: str) -> int:
    """(In the child process) the demo kiosk filling the screen: Home, then the form."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    window = build_kiosk(DEMO, windowed=True)
    window.setGeometry(app.primaryScreen().geometry())
    window.show()
    _settle(app)
    window.ensure_built()  # past start-up's deferred work: Home in its scroll area, as seen
    _settle(app)
    window.grab().save(home_png)
    window.show_screen("consult")
    _settle(app)
    window.grab().save(consult_png)
    return 0


def contact_sheet(out: Path) -> Path:
    """One PNG: every glass's Home and consult form side by side, each labelled."""
    from PySide6.QtCore import QRect, Qt
    from PySide6.QtGui import QColor, QFont, QImage, QPainter

    rows = []
    for width, height, dpr in GLASS:
        rows.append(((width, height, dpr), glass_pictures(out, width, height, dpr)))
    label_h, gap = 40, 24
    images = [[QImage(str(p)) for p in paths] for _, paths in rows]
    scaled = []
    for ((width, height, _), _), pair in zip(rows, images, strict=True):
        tall = PORTRAIT_HEIGHT if height > width else TILE_HEIGHT
        scaled.append([img.scaledToHeight(tall, Qt.TransformationMode.SmoothTransformation)
                       for img in pair])
    sheet_w = max(sum(i.width() for i in pair) + gap * 3 for pair in scaled)
    sheet_h = sum(pair[0].height() + label_h + gap for pair in scaled) + gap
    sheet = QImage(sheet_w, sheet_h, QImage.Format.Format_RGB32)
    sheet.fill(QColor("#DDE3E2"))
    painter = QPainter(sheet)
    font = QFont()
    font.setPixelSize(22)
    painter.setFont(font)
    painter.setPen(QColor("#1B2B2A"))
    y = gap
    for ((width, height, dpr), _), pair in zip(rows, scaled, strict=True):
        # One caption across the row: a portrait picture is too narrow for its own.
        text = (f"{width * dpr}×{height * dpr}"
                + (f" (device pixel ratio {dpr}, {width}×{height} logical)" if dpr > 1 else "")
                + ": Home, then the consult form")
        painter.drawText(QRect(gap, y, sheet_w - 2 * gap, label_h),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, text)
        x = gap
        for image in pair:
            painter.drawImage(x, y + label_h, image)
            x += image.width() + gap
        y += pair[0].height() + label_h + gap
    painter.end()
    path = out / "sizes.png"
    sheet.save(str(path))
    for _, paths in rows:
        for picture in paths:
            picture.unlink()
    print(path)
    return path


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
    if sys.argv[1:2] == ["--glass"]:
        sys.exit(render_glass(*sys.argv[2:4]))
    if sys.argv[1:2] == ["--sheet"]:
        app = QApplication.instance() or QApplication(sys.argv[:1])
        contact_sheet(Path(sys.argv[2] if len(sys.argv) > 2 else "docs/screenshots"))
        sys.exit(0)
    sys.exit(main(*sys.argv[1:]))
