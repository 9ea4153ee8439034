"""`make messages`: extract the patients' interface strings (Babel, babel.cfg) and the consult
form's error messages into resources/locale/kiosk.pot, merge it into each .po, compile."""

from __future__ import annotations

from kiosk.callback_queue.validation import MESSAGES
from kiosk.shell.catalogs import compile_all, extract_and_merge


def form_messages() -> list[str]:
    """The form's errors: the queue's validation says them, the form translates them."""
    return list(MESSAGES.values())


def main() -> int:
    pot = extract_and_merge(form_messages())
    print(f"{pot}: written and merged into each .po")
    for mo in compile_all():
        print(f"{mo}: compiled")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
