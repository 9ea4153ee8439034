"""Starts a throwaway PostgreSQL server from Debian's binaries for the queue's tests."""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import pytest

_PG_USER = "postgres"


def find_bindir() -> Path | None:
    """The newest /usr/lib/postgresql/<version>/bin that has initdb and pg_ctl."""
    found = [
        Path(p).parent
        for p in glob.glob("/usr/lib/postgresql/*/bin/initdb")
        if Path(p).with_name("pg_ctl").exists()
    ]
    return max(found, key=lambda p: int(p.parent.name)) if found else None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class PgServer:
    bindir: Path
    base: Path
    port: int
    running: bool = False
    _as_postgres: bool = field(default=False, repr=False)

    @property
    def datadir(self) -> Path:
        return self.base / "data"

    @property
    def url(self) -> str:
        return self.url_for("postgres")

    def url_for(self, dbname: str) -> str:
        return f"postgresql+psycopg://{_PG_USER}@127.0.0.1:{self.port}/{dbname}"

    def conninfo(self, dbname: str = "postgres") -> str:
        return f"host=127.0.0.1 port={self.port} user={_PG_USER} dbname={dbname}"

    def _run(self, *args: str) -> None:
        # initdb refuses to run as root, so root runs the server as the postgres user.
        cmd = [str(self.bindir / args[0]), *args[1:]]
        if self._as_postgres:
            cmd = ["runuser", "-u", _PG_USER, "--", *cmd]
        subprocess.run(cmd, check=True, capture_output=True, text=True, timeout=120)

    def init(self) -> None:
        self._run(
            "initdb", "-D", str(self.datadir), "-A", "trust", "-U", _PG_USER,
            "-E", "UTF8", "--locale=C", "--no-sync",
        )  # fmt: skip

    def start(self) -> None:
        if self.running:
            return
        options = (
            f"-p {self.port} -h 127.0.0.1 -k {self.base} -c fsync=off"
            " -c full_page_writes=off -c max_connections=100"
        )
        self._run(
            "pg_ctl", "-D", str(self.datadir), "-l", str(self.base / "server.log"),
            "-o", options, "-w", "-t", "60", "start",
        )  # fmt: skip
        self.running = True

    def stop(self) -> None:
        if not self.running:
            return
        self._run("pg_ctl", "-D", str(self.datadir), "-m", "fast", "-w", "-t", "60", "stop")
        self.running = False

    def destroy(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop()
        shutil.rmtree(self.base, ignore_errors=True)

    def create_database(self) -> str:
        """A new empty database; returns its name."""
        name = f"t_{uuid.uuid4().hex[:16]}"
        with psycopg.connect(self.conninfo(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return name

    def drop_database(self, name: str) -> None:
        if not self.running:
            return
        with psycopg.connect(self.conninfo(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _unavailable(reason: str) -> None:
    from real_parts import unavailable

    if os.environ.get("CI"):  # the bare-Debian run sets it: PostgreSQL must work there too
        pytest.fail(f"PostgreSQL tests cannot run on CI: {reason}")
    unavailable(f"PostgreSQL tests: {reason}")


def start_server() -> PgServer:
    """Initialise and start a server in a fresh directory under /tmp."""
    bindir = find_bindir()
    if bindir is None:
        _unavailable("no /usr/lib/postgresql/*/bin/initdb (apt-get install postgresql)")
        raise AssertionError("unreachable")
    as_postgres = os.geteuid() == 0
    if as_postgres and (shutil.which("runuser") is None or not _has_user(_PG_USER)):
        _unavailable("running as root needs runuser and a 'postgres' user")
    # pytest's tmp_path is private to root; the postgres user must reach this directory.
    base = Path(tempfile.mkdtemp(prefix="kiosk-pg-", dir="/tmp"))
    if as_postgres:
        entry = pwd.getpwnam(_PG_USER)
        os.chown(base, entry.pw_uid, entry.pw_gid)
    os.chmod(base, 0o700)
    server = PgServer(bindir=bindir, base=base, port=_free_port(), _as_postgres=as_postgres)
    try:
        server.init()
        for _attempt in range(3):
            try:
                server.start()
                break
            except subprocess.CalledProcessError:
                # Another process may have taken the port between probing and binding.
                server.port = _free_port()
        else:
            server.start()
    except BaseException:
        server.destroy()
        raise
    return server


def _has_user(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


_shared: PgServer | None = None


def shared_server() -> PgServer:
    """One server per test session, whichever conftest asks first."""
    global _shared
    if _shared is None:
        _shared = start_server()
    _shared.start()  # a test may have left it stopped after a failure
    return _shared


def shutdown_shared_server() -> None:
    global _shared
    if _shared is not None:
        _shared.destroy()
        _shared = None


@contextlib.contextmanager
def fresh_database(server: PgServer) -> Iterator[str]:
    """A new database for one test, dropped afterwards; yields its SQLAlchemy URL."""
    server.start()
    name = server.create_database()
    try:
        yield server.url_for(name)
    finally:
        server.start()
        server.drop_database(name)
