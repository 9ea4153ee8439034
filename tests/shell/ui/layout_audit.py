"""The layout audit behind the size matrix: one screen configuration per process.

Run as ``python tests/shell/ui/layout_audit.py WIDTH HEIGHT [DPR] [SCALE]`` under the
offscreen platform: it writes an offscreen screen of that size (``DPR`` 2 is Qt's high-DPI
scaling, as X11 and Windows do it: the 3840x2160 panel is 1920x1080 logical pixels), builds
the real kiosk once, fits it to the screen, then walks both languages x three text sizes
x every patient and staff screen, and prints one JSON object: the combinations checked and
every problem a visitor would see. ``SCALE`` (QT_SCALE_FACTOR) makes the offscreen screen
report another physical DPI: it always reports 100 dots per native inch.

Resizing one built window through the text sizes is far cheaper than rebuilding it; each
screen configuration needs its own process because a QScreen's geometry is fixed for life.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
MIN_TARGET = 64
CAP_MM = 4.8


def screen_config(width: int, height: int, dpr: float = 1.0, scale: float = 1.0) -> dict:
    """The environment for a process whose offscreen screen is ``width`` x ``height`` logical
    pixels at ``dpr`` (and reports 100 / ``scale`` physical DPI per logical pixel / dpr)."""
    native_w, native_h = round(width * dpr * scale), round(height * dpr * scale)
    spec = {"screens": [{"name": f"glass-{width}x{height}", "x": 0, "y": 0,
                         "width": native_w, "height": native_h,
                         "logicalDpi": 96 * dpr, "logicalBaseDpi": 96, "dpr": 1}]}
    path = Path(tempfile.gettempdir()) / f"kiosk-screen-{native_w}x{native_h}-{dpr}.json"
    path.write_text(json.dumps(spec), encoding="utf-8")
    env = {"QT_QPA_PLATFORM": f"offscreen:configfile={path}"}
    if scale != 1.0:
        env["QT_SCALE_FACTOR"] = str(scale)
    return env


# --- the checks (run inside the process) -----------------------------------------------------
def _visible_leaves(root):
    from PySide6.QtWidgets import QAbstractButton, QLabel, QLineEdit, QWidget

    for widget in root.findChildren(QWidget):
        if not isinstance(widget, (QAbstractButton, QLineEdit, QLabel)):
            continue
        if widget.isVisibleTo(root) and widget.width() > 0 and widget.height() > 0:
            yield widget


def _scroll_area_of(widget):
    from PySide6.QtWidgets import QScrollArea

    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QScrollArea):
            return parent
        parent = parent.parentWidget()
    return None


def _rect_in(widget, ancestor):
    from PySide6.QtCore import QPoint, QRect

    return QRect(widget.mapTo(ancestor, QPoint(0, 0)), widget.size())


def _name(widget) -> str:
    text = ""
    if hasattr(widget, "text") and callable(widget.text):
        text = str(widget.text())[:24]
    return f"{type(widget).__name__}#{widget.objectName() or '?'}({text!r})"


def _words_fit(widget) -> str | None:
    """Why the text of ``widget`` is cut, if it is."""
    from PySide6.QtWidgets import QAbstractButton, QLabel

    from kiosk.shell.ui.elided_label import ElidedLabel

    if isinstance(widget, ElidedLabel):
        return None  # a long clinic name ends in "…" by design; text() keeps all of it
    if isinstance(widget, QLabel):
        text = QLabel.text(widget)  # what is shown (a label may keep more in text())
        if not text or widget.pixmap() is not None and not widget.pixmap().isNull():
            return None
        metrics = widget.fontMetrics()
        width = widget.contentsRect().width()
        if widget.textFormat() != 0 and "<" in text:  # rich text: Qt wraps it; check height
            words = []
        else:
            words = text.replace("\u200b", " ").split() if widget.wordWrap() else [text]
        for word in words:
            if metrics.horizontalAdvance(word) > width + 1:
                return f"word {word!r} is {metrics.horizontalAdvance(word)} px in {width}"
        if widget.wordWrap():
            needed = widget.heightForWidth(widget.width())
            if needed > widget.height() + 2:
                return f"needs {needed} px of height, has {widget.height()}"
        elif metrics.height() > widget.contentsRect().height() + 2:
            return f"line {metrics.height()} px tall in {widget.contentsRect().height()}"
        return None
    if isinstance(widget, QAbstractButton) and widget.layout() is None and widget.text():
        hint = widget.sizeHint()
        if hint.width() > widget.width() + 1:
            return f"text needs {hint.width()} px, button is {widget.width()}"
    return None


def audit(window, label: str, problems: list[str]) -> None:
    """Every visible control of ``window`` inside it, big enough, apart, with its words whole."""
    from PySide6.QtWidgets import QAbstractButton, QLineEdit

    win = window.rect()
    targets = []
    warning = getattr(window, "idle_warning", None)  # the out-of-order window has none
    overlay = warning if warning is not None and warning.isVisible() else None
    for widget in _visible_leaves(window):
        if overlay is not None and not overlay.isAncestorOf(widget):
            continue  # under the overlay: nobody can see or touch it
        if widget.layout() is not None and isinstance(widget, QAbstractButton):
            needed = widget.layout().totalHeightForWidth(widget.width()) \
                if widget.layout().hasHeightForWidth() else widget.layout().sizeHint().height()
            # A tile in a grid row is as tall as the row's tallest neighbour needs.
            row = [w for w in widget.parentWidget().findChildren(QAbstractButton)
                   if w.layout() is not None and w.isVisible() and w.y() == widget.y()
                   and w.parentWidget() is widget.parentWidget()]
            needed_row = max([needed, *(w.layout().totalHeightForWidth(w.width())
                                        for w in row if w.layout().hasHeightForWidth())])
            if widget.height() > max(needed_row * 1.3, needed_row + 48):
                problems.append(f"{label}: {_name(widget)} is {widget.height()} px tall "
                                f"for {needed} px of content")
            if needed > widget.height() + 2:
                problems.append(f"{label}: {_name(widget)} cut: needs {needed} px of height, "
                                f"has {widget.height()}")
        rect = _rect_in(widget, window)
        area = _scroll_area_of(widget)
        seen = rect
        if area is not None:
            viewport = _rect_in(area.viewport(), window)
            content = area.widget()
            inside = (rect.left() >= viewport.left() - 1 and rect.right() <= viewport.right() + 1
                      and content.width() <= area.viewport().width() + 1)
            seen = rect.intersected(viewport)  # the part a finger can reach now
        else:
            inside = win.contains(rect)
        if not inside:
            problems.append(f"{label}: {_name(widget)} at {rect.getRect()} outside the window")
        interactive = isinstance(widget, (QAbstractButton, QLineEdit))
        if interactive and (widget.width() < MIN_TARGET or widget.height() < MIN_TARGET):
            problems.append(f"{label}: {_name(widget)} is {widget.width()}x{widget.height()}")
        why = _words_fit(widget)
        if why:
            problems.append(f"{label}: {_name(widget)} cut: {why}")
        if interactive and not seen.isEmpty():
            targets.append((widget, seen))
    for i, (first, a) in enumerate(targets):
        for second, b in targets[i + 1:]:
            if first.isAncestorOf(second) or second.isAncestorOf(first):
                continue
            if a.intersects(b) and a.intersected(b).width() > 1 and a.intersected(b).height() > 1:
                problems.append(f"{label}: {_name(first)} overlaps {_name(second)}")


def on_screen_unscrolled(window, widget) -> bool:
    """``widget`` is wholly visible with its page scrolled to the top."""
    rect = _rect_in(widget, window)
    area = _scroll_area_of(widget)
    limit = _rect_in(area.viewport(), window) if area is not None else window.rect()
    return limit.contains(rect)


def body_cap_mm(window, screen) -> float:
    from PySide6.QtGui import QFontMetricsF
    from PySide6.QtWidgets import QWidget

    body = window.findChild(QWidget, "welcome")
    cap_px = QFontMetricsF(body.font()).capHeight()
    return cap_px / screen.physicalDotsPerInch() * 25.4


def run(width: int, height: int) -> dict:
    from PySide6.QtWidgets import QApplication, QWidget

    from kiosk.app import build_kiosk

    sys.path.insert(0, str(ROOT / "tests"))
    from conftest import BASE_CONFIG, write_config

    app = QApplication.instance() or QApplication([])
    screen = app.primaryScreen()
    tmp = Path(tempfile.mkdtemp(prefix="kiosk-matrix-"))
    sections = {name: dict(values) for name, values in BASE_CONFIG.items()}
    sections["database"] = {"url": f"sqlite:///{tmp / 'queue.sqlite3'}"}
    window = build_kiosk(write_config(tmp / "kiosk.toml", sections), windowed=True)
    window.setGeometry(screen.geometry())
    window.show()
    problems: list[str] = []
    combos = 0

    def settle() -> None:
        for _ in range(4):
            app.processEvents()

    settle()
    window.ensure_built()  # the deferred building done, as a visitor's first tap finds it
    settle()
    need = window.minimumSizeHint()
    if need.width() > width or need.height() > height:
        problems.append(f"window needs {need.width()}x{need.height()}")
    for language in ("en", "es"):
        window.set_language(language)
        for text_size in ("default", "large", "largest"):
            while window.text_size != text_size:
                window.cycle_text_size()
            names = ["home", *window.navigator.sections, "consult", "consult-done",
                     "consult-unavailable", "pin", "staff"]
            for name in names:
                window.go_home()
                if name != "home":
                    window.show_screen(name)
                settle()
                label = f"{width}x{height} {language} {text_size} {name}"
                if os.environ.get("KIOSK_AUDIT_TRACE"):
                    print(label, file=sys.stderr, flush=True)
                size = window.size()
                if (size.width(), size.height()) != (width, height):
                    problems.append(f"{label}: window is {size.width()}x{size.height()}")
                audit(window, label, problems)
                combos += 1
                if text_size == "default" and name == "home":
                    consult = window.findChild(QWidget, "tile-consult")
                    if not on_screen_unscrolled(window, consult):
                        problems.append(f"{label}: tile-consult not on screen unscrolled")
                    mm = body_cap_mm(window, screen)
                    if mm < CAP_MM:
                        problems.append(f"{label}: body capitals {mm:.2f} mm")
                if text_size == "default" and name == "consult":
                    form = window.screens["consult"]
                    if height > width:  # portrait: the keyboard under the fields
                        keys = _rect_in(form.findChild(QWidget, "touch-keyboard"), window)
                        phone = _rect_in(form.findChild(QWidget, "consult-phone"), window)
                        if keys.top() < phone.bottom():
                            problems.append(f"{label}: the keyboard is not under the fields")
                    for part in ("consult-name", "consult-phone", "touch-keyboard",
                                 "consult-time-morning", "consult-time-any",
                                 "consult-consent", "consult-submit"):
                        if not on_screen_unscrolled(window, form.findChild(QWidget, part)):
                            problems.append(f"{label}: {part} not on screen unscrolled")
            window.go_home()
            window.idle.warning_started.emit(12)
            settle()
            audit(window, f"{width}x{height} {language} {text_size} idle-warning", problems)
            combos += 1
            window.idle_warning.hide()
    # The out-of-order window a broken config gives, with a long problem list.
    sections["kiosk"]["idle_timeout_s"] = "soon"
    sections["clinic"]["nmae"] = "typo"
    broken = build_kiosk(write_config(tmp / "broken.toml", sections), windowed=True)
    broken.setGeometry(screen.geometry())
    broken.show()
    settle()
    audit(broken, f"{width}x{height} out-of-order", problems)
    combos += 1
    broken.close()
    return {"size": f"{width}x{height}", "dpi": screen.physicalDotsPerInch(),
            "combinations": combos, "problems": problems}


def measure_text() -> dict:
    """The body text's pixel size and capital height on this process's screen."""
    from PySide6.QtWidgets import QApplication, QWidget

    from kiosk.app import build_kiosk

    sys.path.insert(0, str(ROOT / "tests"))
    from conftest import BASE_CONFIG, write_config

    app = QApplication.instance() or QApplication([])
    screen = app.primaryScreen()
    tmp = Path(tempfile.mkdtemp(prefix="kiosk-dpi-"))
    sections = {name: dict(values) for name, values in BASE_CONFIG.items()}
    sections["database"] = {"url": f"sqlite:///{tmp / 'queue.sqlite3'}"}
    if os.environ.get("KIOSK_TEXT_SCALE"):
        sections["kiosk"]["text_scale_percent"] = int(os.environ["KIOSK_TEXT_SCALE"])
    window = build_kiosk(write_config(tmp / "kiosk.toml", sections), windowed=True)
    window.setGeometry(screen.geometry())
    window.show()
    app.processEvents()
    body = window.findChild(QWidget, "welcome")
    return {"dpi": screen.physicalDotsPerInch(), "body_px": body.fontInfo().pixelSize(),
            "cap_mm": body_cap_mm(window, screen),
            "size": [screen.geometry().width(), screen.geometry().height()]}


if __name__ == "__main__":
    w, h = int(sys.argv[1]), int(sys.argv[2])
    if "QT_QPA_PLATFORM" not in os.environ or os.environ.get("KIOSK_AUDIT_CHILD") != "1":
        import subprocess

        dpr = float(sys.argv[3]) if len(sys.argv) > 3 else 1.0
        scale = float(sys.argv[4]) if len(sys.argv) > 4 else 1.0
        env = {**os.environ, **screen_config(w, h, dpr, scale), "KIOSK_AUDIT_CHILD": "1"}
        sys.exit(subprocess.call([sys.executable, __file__, *sys.argv[1:]], env=env, cwd=ROOT))
    sys.path.insert(0, str(ROOT))
    result = measure_text() if os.environ.get("KIOSK_AUDIT_TEXT_ONLY") else run(w, h)
    print(json.dumps(result, indent=1))
