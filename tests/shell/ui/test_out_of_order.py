"""A bad config or content never crashes the kiosk: it shows a calm out-of-order screen."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget


def test_bad_config_shows_out_of_order_with_the_error(build, tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text("[kiosk]\nidle_timeout_s = \"soon\"\nfulscreen = true\n", encoding="utf-8")
    window = build(path)
    screen = window.findChild(QWidget, "screen-out-of-order")
    assert screen is not None and screen.isVisible()
    details = screen.findChild(QLabel, "error-details").text()
    assert f"{path}:2: kiosk.idle_timeout_s" in details
    assert 'did you mean "fullscreen"' in details
    assert window.findChild(QWidget, "screen-home") is None


def test_missing_config_file_is_out_of_order(build, tmp_path):
    window = build(tmp_path / "nowhere.toml")
    details = window.findChild(QLabel, "error-details").text()
    assert "config file not found" in details


def test_a_config_without_pin_still_serves_patients(build, make_config, caplog):
    # `kiosk check` fails it (tests/e2e/test_main_commands.py); the kiosk itself keeps working.
    window = build(make_config(kiosk={"demo": False}))
    assert window.findChild(QWidget, "screen-out-of-order") is None
    assert window.findChild(QWidget, "screen-home").isVisible()
    assert "staff.pin_hash" in caplog.text


def test_broken_content_is_out_of_order_naming_the_file(build, make_config, monkeypatch, tmp_path):
    import shutil

    from kiosk.education import content as content_module

    root = tmp_path / "content"
    shutil.copytree(content_module.content_root(), root)
    (root / "en" / "aftercare.md").write_text("   \n", encoding="utf-8")
    monkeypatch.setattr(content_module, "content_root", lambda: root)
    window = build(make_config())
    details = window.findChild(QLabel, "error-details").text()
    assert str(root / "en" / "aftercare.md") in details
    assert "empty" in details
