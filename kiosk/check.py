"""`kiosk check`: validates the config file and the content, printing every problem found."""

from __future__ import annotations

import sys
from pathlib import Path

from kiosk.config import load_config, production_problems, resolve_config_path
from kiosk.content import check_all_languages


def collect_problems(config_path: str | Path | None) -> tuple[Path, list[str]]:
    path = resolve_config_path(config_path)
    config = load_config(path)
    problems = [str(p) for p in (*config.problems, *production_problems(config))]
    problems += [str(p) for p in check_all_languages()]
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
