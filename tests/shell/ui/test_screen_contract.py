"""Every screen of the kiosk window keeps the one Screen contract, and no near-miss names."""

from __future__ import annotations

import difflib
import importlib
import pkgutil

import kiosk
from kiosk.shell.ui.screen import Screen

#: What the window used to probe for with getattr, before the contract.
OLD_NAMES = {"leave", "apply_palette", "apply_text_size", "ensure_scrollable"}
CONTRACT = [name for name, value in vars(Screen).items()
            if callable(value) and not name.startswith("_")]


def _all_screen_classes() -> set[type]:
    for module in pkgutil.walk_packages(kiosk.__path__, "kiosk."):
        if ".ui." in module.name:
            importlib.import_module(module.name)
    found, todo = set(), [Screen]
    while todo:
        for sub in todo.pop().__subclasses__():
            found.add(sub)
            todo.append(sub)
    return found


def test_every_screen_the_window_holds_is_a_screen(kiosk) -> None:
    screens = kiosk.screens
    assert {"home", "consult", "consult-done", "pin", "staff"} <= set(screens)
    assert all(isinstance(screen, Screen) for screen in screens.values())
    assert all(screen.spoken_title() for screen in screens.values())


def test_no_screen_misspells_a_contract_method() -> None:
    """A typo (``leave`` for ``left``, ``enter`` for ``entered``) would silently never run."""
    classes = _all_screen_classes()
    assert len(classes) >= 7
    for cls in classes:
        for name in vars(cls):
            if name.startswith("_") or name in CONTRACT:
                continue
            assert name not in OLD_NAMES, f"{cls.__name__}.{name}: the window never calls it"
            near = difflib.get_close_matches(name, CONTRACT, n=1, cutoff=0.75)
            assert not near, f"{cls.__name__}.{name} looks like Screen.{near[0]}"
