"""Asks a running speech-dispatcher whether it answers, before Qt's ``speechd`` engine does.

Qt's engine opens with ``spd_open2``, which waits for ever on a daemon that accepts the
connection and never answers, and crashes in libspeechd if that connection is then closed
while the engine opens. So the speaker's thread first says hello over SSIP itself, with a
timeout: a daemon that does not answer is reported and Qt's engine is never started on it.
When no daemon is listening yet the probe says nothing: libspeechd starts one itself
(autospawn).
"""

from __future__ import annotations

import os
import socket
import time
from pathlib import Path

#: SSIP's greeting; a working daemon answers "208 OK CLIENT NAME SET".
HELLO = b"SET SELF CLIENT_NAME root:clinic-kiosk:probe\r\n"


def speechd_address(env: dict[str, str] | None = None) -> tuple[str, object] | None:
    """("unix", path) or ("inet", (host, port)) where libspeechd would connect, or None
    when it would start a daemon of its own (nothing listens at the default socket)."""
    env = os.environ if env is None else env
    address = env.get("SPEECHD_ADDRESS", "").strip()
    if address.startswith("unix_socket:"):
        return ("unix", address.split(":", 1)[1])
    if address.startswith("inet_socket:"):
        host, _, port = address.split(":", 1)[1].rpartition(":")
        if port.isdigit():
            return ("inet", (host or "127.0.0.1", int(port)))
        return ("inet", (address.split(":", 1)[1] or "127.0.0.1", 6560))
    path = _default_socket(env)
    return ("unix", str(path)) if path.exists() else None


def _default_socket(env: dict[str, str]) -> Path:
    """Where libspeechd looks when SPEECHD_ADDRESS says nothing."""
    runtime = env.get("XDG_RUNTIME_DIR") or str(Path(env.get("HOME", "~")).expanduser() / ".cache")
    return Path(runtime) / "speech-dispatcher" / "speechd.sock"


def gone(env: dict[str, str] | None = None) -> str | None:
    """Why the daemon is gone, in words, or None while something listens at its socket.
    Never blocks: a non-blocking connect to a Unix socket is refused at once when the
    daemon has died, even though its socket file stays behind. A daemon reached over TCP
    is not checked (None)."""
    env = os.environ if env is None else env
    # A default socket that is no longer there is gone too: checked all the same.
    family, path = speechd_address(env) or ("unix", str(_default_socket(env)))
    if family != "unix":
        return None
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.setblocking(False)
    try:
        sock.connect(path)
    except (FileNotFoundError, ConnectionRefusedError):
        return f"speech-dispatcher stopped: nothing listens at {path} any more"
    except OSError:  # busy (its backlog full) or not ours to judge: not known to be gone
        return None
    finally:
        sock.close()
    return None


def probe(timeout_s: float, env: dict[str, str] | None = None) -> str | None:
    """None when the daemon answers (or none listens yet), else what is wrong, in words."""
    where = speechd_address(env)
    if where is None:
        return None
    family, target = where
    deadline = time.monotonic() + timeout_s
    sock = socket.socket(socket.AF_UNIX if family == "unix" else socket.AF_INET,
                         socket.SOCK_STREAM)
    try:
        sock.settimeout(timeout_s)
        try:
            sock.connect(target)  # type: ignore[arg-type]
        except (FileNotFoundError, ConnectionRefusedError):
            return None if family == "unix" and "SPEECHD_ADDRESS" not in (env or os.environ) \
                else f"nothing listens at speech-dispatcher's address {target}"
        sock.sendall(HELLO)
        reply = b""
        while b"\n" not in reply:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            sock.settimeout(left)
            chunk = sock.recv(256)
            if not chunk:
                return "speech-dispatcher closed the connection without answering"
            reply += chunk
        if not reply.startswith(b"2"):
            return f"speech-dispatcher answered {reply.decode(errors='replace').strip()!r}"
        sock.sendall(b"QUIT\r\n")
        return None
    except TimeoutError:
        return f"speech-dispatcher did not answer within {timeout_s:g} s"
    except OSError as exc:
        return f"speech-dispatcher cannot be reached ({exc})"
    finally:
        sock.close()
