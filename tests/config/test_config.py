"""The config file: every problem names the file, the line and the key, and nothing crashes."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.config import SCHEMA, load_config, production_problems, resolve_config_path


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_fill_what_the_file_leaves_out(tmp_path):
    config = load_config(write(tmp_path, "[clinic]\nname = \"Elm St PT\"\n"))
    assert config.ok
    assert config.clinic.name == "Elm St PT"
    assert config.kiosk.idle_timeout_s == 60
    assert config.kiosk.idle_warning_s == 15
    assert config.staff.retention_days == 90


def test_every_option_is_declared_with_help_and_a_valid_default():
    from kiosk.config import check_value

    for option in SCHEMA:
        assert option.help.strip(), option.dotted
        assert check_value(option, option.default) is None, option.dotted


@pytest.mark.parametrize(("text", "line", "key", "fragment"), [
    ("[kiosk]\nidle_timeout_s = \"60\"\n", 2, "kiosk.idle_timeout_s", "whole number"),
    ("[kiosk]\n\nidle_timeout_s = 0\n", 3, "kiosk.idle_timeout_s", "below the minimum of 1"),
    ("[kiosk]\nidle_warning_s = 9999\n", 2, "kiosk.idle_warning_s", "above the maximum"),
    ("[kiosk]\nfullscreen = 1\n", 2, "kiosk.fullscreen", "true or false"),
    ("[kiosk]\nidle_timout_s = 30\n", 2, "kiosk.idle_timout_s", 'did you mean "idle_timeout_s"'),
    ("[clinik]\nname = \"x\"\n", 1, "[clinik]", 'did you mean "clinic"'),
    ("[clinic]\nregion = \"usa\"\n", 2, "clinic.region", "not the expected form"),
    ("[kiosk]\nlanguage = \"fr\"\n", 2, "kiosk.language", '"en", "es"'),
])
def test_problems_name_file_line_and_key(tmp_path, text, line, key, fragment):
    path = write(tmp_path, text)
    config = load_config(path)
    assert len(config.problems) == 1
    problem = config.problems[0]
    assert (problem.path, problem.line, problem.key) == (str(path), line, key)
    assert fragment in problem.message
    assert str(problem).startswith(f"{path}:{line}: ")


def test_a_bad_value_keeps_the_default_and_other_keys_still_load(tmp_path):
    config = load_config(write(tmp_path, "[kiosk]\nidle_timeout_s = -1\nidle_warning_s = 20\n"))
    assert config.kiosk.idle_timeout_s == 60
    assert config.kiosk.idle_warning_s == 20


def test_toml_syntax_error_names_the_line(tmp_path):
    path = write(tmp_path, "[kiosk]\nidle_timeout_s = \n")
    problem = load_config(path).problems[0]
    assert problem.line == 2
    assert "not valid TOML" in problem.message


def test_missing_file_is_a_problem_not_an_exception(tmp_path):
    config = load_config(tmp_path / "absent.toml")
    assert not config.ok
    assert "not found" in config.problems[0].message


def test_production_config_needs_an_admin_in_its_queue(tmp_path):
    config = load_config(write(tmp_path, "[kiosk]\ndemo = false\n"))
    assert [p.key for p in production_problems(config, admins=0)] == ["staff"]
    assert production_problems(config, admins=1) == []
    assert production_problems(config) == []  # the queue was not read: nothing to say
    old_pin = load_config(write(tmp_path, '[kiosk]\ndemo = false\n[staff]\npin_hash = "x"\n'))
    assert production_problems(old_pin, admins=0) == []  # it becomes the admin Staff
    demo = load_config(write(tmp_path, "[kiosk]\ndemo = true\n"))
    assert production_problems(demo, admins=0) == []


def test_config_path_order_is_flag_then_environment_then_platform(monkeypatch, tmp_path):
    monkeypatch.setenv("KIOSK_CONFIG", str(tmp_path / "env.toml"))
    assert resolve_config_path(str(tmp_path / "flag.toml")) == tmp_path / "flag.toml"
    assert resolve_config_path(None) == tmp_path / "env.toml"
    monkeypatch.delenv("KIOSK_CONFIG")
    assert resolve_config_path(None).name == "config.toml"


def test_a_notepad_byte_order_mark_is_accepted(tmp_path):
    path = tmp_path / "kiosk.toml"
    path.write_bytes("\ufeff[kiosk]\nidle_timeout_s = 45\n".encode())
    config = load_config(path)
    assert config.ok, config.problems
    assert config.kiosk.idle_timeout_s == 45


def test_a_byte_order_mark_keeps_line_numbers(tmp_path):
    path = tmp_path / "kiosk.toml"
    path.write_bytes("\ufeff[kiosk]\nidle_timeout_s = 0\n".encode())
    problem = load_config(path).problems[0]
    assert (problem.line, problem.key) == (2, "kiosk.idle_timeout_s")


@pytest.mark.parametrize(("text", "line", "key", "fragment"), [
    ("[kiosk]\nidle_timeout_s = 5\nidle_timeout_s = 6\n", 3, "kiosk.idle_timeout_s",
     "set twice (first on line 2)"),
    ("[kiosk]\nidle_timeout_s = 5\n\"idle_timeout_s\" = 6\n", 3, "kiosk.idle_timeout_s",
     "set twice (first on line 2)"),
    ("[kiosk]\nfullscreen = true\n\n[kiosk]\n", 4, "[kiosk]", "set twice (first on line 1)"),
    ("[clinic]\nname = \"x\"\n[kiosk]\n\nkiosk.idle_timeout_s = 5\n", 5,
     "kiosk.kiosk", "unknown key"),
    ("kiosk.idle_timeout_s = 0\n", 1, "kiosk.idle_timeout_s", "below the minimum"),
    ("# top\nkiosk . \"idle_timeout_s\" = 0\n", 2, "kiosk.idle_timeout_s", "below the minimum"),
    ("[kiosk]\n\nidle.x = 1\n", 3, "kiosk.idle", "unknown key"),
    ("[kiosk.sub]\nx = 1\n", 1, "kiosk.sub", "unknown key"),
    ("[clinic]\nname = \"\"\"a\nregion = 1\n\"\"\"\nregion = 1\n", 5, "clinic.region",
     "must be text"),
])
def test_every_problem_has_its_line(tmp_path, text, line, key, fragment):
    path = write(tmp_path, text)
    problems = load_config(path).problems
    assert [(p.line, p.key) for p in problems] == [(line, key)], problems
    assert fragment in problems[0].message


def test_a_file_that_ends_inside_a_string_names_its_last_line(tmp_path):
    problem = load_config(write(tmp_path, "[clinic]\nname = \"\"\"Elm\nSt\n")).problems[0]
    assert problem.line == 3
    assert "not valid TOML: Unterminated string" in problem.message
    assert "end of document" not in problem.message


@pytest.mark.parametrize(("text", "key", "fragment"), [
    ('[clinic]\ntime_zone = "Mars/Olympus"\n', "clinic.time_zone", "not a time zone name"),
    ('[clinic]\nhours = "mon-fri 08:00-18:00"\n', "clinic.hours", "must be list of texts"),
    ('[clinic]\nhours = ["mon-fri 8-18"]\n', "clinic.hours", 'form "DAYS HH:MM-HH:MM"'),
    ('[clinic]\nhours = ["mon-fry 08:00-18:00"]\n', "clinic.hours", '"fry" is not a day'),
    ('[clinic]\nhours = ["sat 12:00-09:00"]\n', "clinic.hours", "after the opening time"),
    ('[clinic]\nhours = ["sat 09:00-24:30"]\n', "clinic.hours", "24:30 is not a time of day"),
    ('[clinic]\nhours = []\n', "clinic.hours", "at least one opening"),
    ('[clinic]\nhours = [9]\n', "clinic.hours", "the number 9 is not text"),
    ("[staff]\nmax_attempts = 0\n", "staff.max_attempts", "below the minimum of 1"),
])
def test_bad_hours_and_zones_are_named(tmp_path, text, key, fragment):
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    config = load_config(path)
    (problem,) = config.problems
    assert (problem.key, problem.line) == (key, 2)
    assert fragment in problem.message
    assert config.clinic.hours == ("mon-fri 09:00-17:00",)  # the default stands meanwhile


def test_hours_and_deadlines_load(tmp_path):
    from kiosk.callback_queue.deadlines import DeadlinePolicy

    path = tmp_path / "config.toml"
    path.write_text('[clinic]\ntime_zone = "Europe/Madrid"\n'
                    'hours = ["mon-fri 08:00-18:00", "sat 09:00-12:00"]\n'
                    "[staff]\ncallback_within_min = 30\nretry_after_min = 90\nmax_attempts = 4\n",
                    encoding="utf-8")
    config = load_config(path)
    assert config.ok, config.problems
    policy = DeadlinePolicy.from_config(config)
    assert str(policy.hours.tz) == "Europe/Madrid"
    assert (policy.callback_within_min, policy.retry_after_min, policy.max_attempts) == (30, 90, 4)
    assert policy.hours.spans(5) == ((540, 720),) and policy.hours.spans(6) == ()


@pytest.mark.parametrize(("value", "why"), [
    ("http://riverside.example/aftercare", "must start with https://"),
    ("https://riverside example.org", "contains a space"),
    ("https:///aftercare", "names no web site"),
    ("https://localhost/aftercare", "names no web site"),
    ("https://staff:secret@riverside.example.org/", "user name or password"),
    ("https://riverside.example.org:web/", "not a web address"),
    ("tel:+15550102000", "must start with https://"),
])
def test_take_home_addresses_must_be_https_with_a_site(tmp_path, value, why):
    for key in ("website", "aftercare_url"):
        path = tmp_path / f"{key}.toml"
        path.write_text(f'[clinic]\n{key} = "{value}"\n', encoding="utf-8")
        config = load_config(path)
        problems = [str(p) for p in config.problems]
        assert len(problems) == 1 and f"clinic.{key}" in problems[0], problems
        assert why in problems[0]


def test_take_home_addresses_are_optional_and_kept_as_given(tmp_path):
    path = tmp_path / "kiosk.toml"
    path.write_text('[clinic]\nwebsite = "https://riverside.example.org"\n'
                    'aftercare_url = "https://riverside.example.org/after?lang=en#care"\n',
                    encoding="utf-8")
    config = load_config(path)
    assert config.ok, config.problems
    assert config.clinic.aftercare_url == "https://riverside.example.org/after?lang=en#care"
    assert load_config(tmp_path / "missing.toml").clinic.website == ""
