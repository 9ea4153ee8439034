"""`kiosk check`: validates the config file and the content, printing every problem found."""

from __future__ import annotations

import sys
from pathlib import Path

from kiosk.config import load_config, production_problems, resolve_config_path
from kiosk.content import LANGUAGES, check_all_languages
from kiosk.i18n import locale_dir, missing_translations, patient_messages


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
