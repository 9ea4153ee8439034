"""Where the kiosk keeps its data and logs: outside the app folder, so upgrades keep them."""

from __future__ import annotations

from pathlib import Path

from kiosk.config import APP_NAME, Config, default_data_dir


def data_dir() -> Path:
    """The one folder the kiosk creates for itself (config checks the queue's folder by it)."""
    return default_data_dir()


def prepare_data_dir(config: Config | None = None) -> Path:
    """Create the data folder (owner only): the one folder made for the queue's engine; a
    configured queue elsewhere must already have its folder.

    Given a config whose queue is a SQLite file of its own (so no outbox is used either),
    nothing is created.
    """
    folder = data_dir()
    url = config.database.url if config is not None else ""
    if not url.lower().startswith("sqlite"):
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def log_dir() -> Path:
    from platformdirs import user_log_dir

    return Path(user_log_dir(APP_NAME, appauthor=False))


def database_url(config: Config) -> str:
    """The configured queue, or a private SQLite file in the data folder."""
    return config.database.url or f"sqlite:///{data_dir() / 'callback-queue.sqlite3'}"


def outbox_path(config: Config) -> Path:
    """Where requests wait when a shared PostgreSQL server cannot be reached."""
    return data_dir() / "outbox.sqlite3"
