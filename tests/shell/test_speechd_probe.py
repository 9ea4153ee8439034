"""The greeting the speaker sends speech-dispatcher before Qt's engine may wait on it for ever."""

from __future__ import annotations

import socket
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kiosk.shell.speechd import gone, probe, speechd_address


@contextmanager
def daemon(answer: bytes | None, *, close: bool = False) -> Iterator[str]:
    """A Unix socket that answers each greeting with ``answer``, says nothing (None), or
    hangs up (``close``)."""
    folder = Path(tempfile.mkdtemp(prefix="kprobe-"))
    path = folder / "s.sock"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    server.listen(4)
    held = []

    def serve() -> None:
        client, _ = server.accept()
        held.append(client)
        client.recv(256)
        if close:
            client.close()
        elif answer is not None:
            client.sendall(answer)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield str(path)
    finally:
        for client in held:
            client.close()
        server.close()


def test_a_daemon_that_answers_passes():
    with daemon(b"208 OK CLIENT NAME SET\r\n") as path:
        assert probe(2, {"SPEECHD_ADDRESS": f"unix_socket:{path}"}) is None


def test_a_daemon_that_never_answers_is_named_within_the_timeout():
    with daemon(None) as path:
        assert probe(0.3, {"SPEECHD_ADDRESS": f"unix_socket:{path}"}) == \
            "speech-dispatcher did not answer within 0.3 s"


def test_a_daemon_that_hangs_up_or_refuses_is_named():
    with daemon(None, close=True) as path:
        assert probe(2, {"SPEECHD_ADDRESS": f"unix_socket:{path}"}) == \
            "speech-dispatcher closed the connection without answering"
    with daemon(b"410 ERR\r\n") as path:
        assert probe(2, {"SPEECHD_ADDRESS": f"unix_socket:{path}"}) == \
            "speech-dispatcher answered '410 ERR'"


def test_without_a_daemon_libspeechd_is_left_to_start_one(tmp_path):
    env = {"XDG_RUNTIME_DIR": str(tmp_path)}
    assert speechd_address(env) is None
    assert probe(1, env) is None
    # ... but an address IT configured must answer.
    missing = {"SPEECHD_ADDRESS": f"unix_socket:{tmp_path / 'nowhere.sock'}"}
    assert "nothing listens" in probe(1, missing)


def test_the_default_socket_and_inet_addresses_are_found(tmp_path):
    sock = tmp_path / "speech-dispatcher" / "speechd.sock"
    sock.parent.mkdir()
    sock.touch()
    assert speechd_address({"XDG_RUNTIME_DIR": str(tmp_path)}) == ("unix", str(sock))
    assert speechd_address({"SPEECHD_ADDRESS": "inet_socket:10.0.0.5:6561"}) == \
        ("inet", ("10.0.0.5", 6561))


def test_a_daemon_that_died_is_gone_at_once_and_a_listening_one_is_not(tmp_path):
    path = tmp_path / "speechd.sock"
    env = {"SPEECHD_ADDRESS": f"unix_socket:{path}"}
    assert gone(env) == f"speech-dispatcher stopped: nothing listens at {path} any more"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    server.listen(1)
    assert gone(env) is None  # listening, even though nobody accepts
    server.close()  # a crash: the socket file stays, nothing listens
    assert path.exists()
    assert gone(env).startswith("speech-dispatcher stopped")
    assert gone({"SPEECHD_ADDRESS": "inet_socket:127.0.0.1:9"}) is None  # TCP: not judged
    default = {"XDG_RUNTIME_DIR": str(tmp_path)}
    assert gone(default) == ("speech-dispatcher stopped: nothing listens at "
                             f"{tmp_path / 'speech-dispatcher' / 'speechd.sock'} any more")
