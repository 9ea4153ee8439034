"""`kiosk check`: validates the config file and the content, printing every problem found."""

from __future__ import annotations

import sys
from pathlib import Path

from kiosk.config import load_config, production_problems, resolve_config_path
from kiosk.education.content import LANGUAGES, check_all_languages
from kiosk.shell.i18n import extract_messages, locale_dir, missing_translations

# The patient sees these modules; staff screens and the out-of-order page stay in English.
PATIENT_MODULES = ("education/ui/home.py", "education/ui/section.py", "education/ui/read_aloud.py",
                   "consult/ui/form.py", "shell/ui/touch_keyboard.py",
                   "shell/ui/idle_warning.py", "shell/ui/top_bar.py",
                   "consult/ui/thank_you.py", "consult/ui/unavailable.py")


def patient_messages() -> set[str]:
    """Every interface string a patient can meet, read from the code, and the form's errors."""
    from kiosk.callback_queue.validation import MESSAGES

    package = Path(__file__).resolve().parents[1]
    return extract_messages(package / name for name in PATIENT_MODULES) | set(MESSAGES.values())


def collect_problems(config_path: str | Path | None) -> tuple[Path, list[str]]:
    path = resolve_config_path(config_path)
    config = load_config(path)
    problems = [str(p) for p in (*config.problems, *production_problems(config))]
    problems += [str(p) for p in check_all_languages()]
    for language in LANGUAGES:
        for message in missing_translations(language, patient_messages()):
            problems.append(f"{locale_dir() / (language + '.po')}: no translation for {message!r}")
    return path, problems


def run_check(config_path: str | Path | None) -> int:
    path, problems = collect_problems(config_path)
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        print(f"{len(problems)} problem(s) found.", file=sys.stderr)
        return 1
    print(f"{path}: config and content are valid.")
    return 0
