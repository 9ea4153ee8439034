"""Real speech servers for the tests and `make bench`: a private PulseAudio with a null
sink, a private speech-dispatcher playing into it, a recorder of the sink's monitor, and a "wedged"
speech-dispatcher socket that accepts connections and never answers.

Everything lives in a short temporary folder (Unix socket paths are limited to 108 bytes)
with its own XDG_RUNTIME_DIR, so nothing touches the machine's own audio or speech. As root
PulseAudio only warns that it "is not intended to be run as root"; it runs.
"""

from __future__ import annotations

import array
import contextlib
import math
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from benchmarks.bench_idle import _stop  # terminate, then kill after 5 s

SINK = "kiosk_test"
RATE = 22050


def missing_tools() -> list[str]:
    return [tool for tool in ("pulseaudio", "pactl", "parec", "speech-dispatcher")
            if shutil.which(tool) is None]


def _wait_for(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not come up within {seconds:g} s")
        time.sleep(0.05)



@dataclass
class SpeechServer:
    folder: Path
    env: dict[str, str]  # for clients: PULSE_SERVER and SPEECHD_ADDRESS point at ours
    speechd: subprocess.Popen

    @property
    def address(self) -> str:
        return self.env["SPEECHD_ADDRESS"]

    @contextmanager
    def recording(self) -> Iterator[list[bytes]]:
        """Records the null sink's monitor (mono 16-bit at RATE) while the block runs; the
        list holds the raw bytes afterwards."""
        out = self.folder / f"rec-{time.monotonic_ns()}.raw"
        with open(out, "wb") as sink:
            rec = subprocess.Popen(
                ["parec", "--raw", "--format=s16le", f"--rate={RATE}", "--channels=1",
                 f"--device={SINK}.monitor", "--latency-msec=20"],
                stdout=sink, env=self.env)
            result: list[bytes] = []
            try:
                time.sleep(0.3)  # parec connected and streaming
                yield result
                time.sleep(0.3)
            finally:
                _stop(rec)
        result.append(out.read_bytes())

    def pause(self) -> None:
        """Wedge the daemon: its socket stays open and it never answers again."""
        os.kill(self.speechd.pid, signal.SIGSTOP)

    def resume(self) -> None:
        os.kill(self.speechd.pid, signal.SIGCONT)

    def die(self) -> None:
        """The daemon ends at once, as a crash ends it: its socket file stays behind."""
        self.speechd.kill()
        self.speechd.wait()


def rms(raw: bytes) -> float:
    """Root mean square of signed 16-bit samples (0 for silence, 32767 for full scale)."""
    samples = array.array("h")
    samples.frombytes(raw[: len(raw) // 2 * 2])
    if not samples:
        return 0.0
    return math.sqrt(sum(s * s for s in samples) / len(samples))


@contextmanager
def speech_server(*, audio: bool = True) -> Iterator[SpeechServer]:
    """A private PulseAudio (null sink ``SINK``) and a private speech-dispatcher using it;
    with ``audio=False`` no audio server at all (the daemon's output module cannot play)."""
    folder = Path(tempfile.mkdtemp(prefix="kspeech-"))
    runtime = folder / "run"
    runtime.mkdir(mode=0o700)
    env = dict(os.environ, XDG_RUNTIME_DIR=str(runtime), PULSE_RUNTIME_PATH=str(runtime / "pulse"),
               HOME=str(folder), XDG_CONFIG_HOME=str(folder / "config"))
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    procs: list[subprocess.Popen] = []
    try:
        if not audio:
            env["PULSE_SERVER"] = f"unix:{folder / 'no-audio-server'}"
            yield from _speechd(folder, env, procs)
            return
        with open(folder / "pulseaudio.log", "wb") as log:
            pulse = subprocess.Popen(
                ["pulseaudio", "-n", "--daemonize=no", "--exit-idle-time=-1", "--use-pid-file=no",
                 "--disable-shm=yes", "-L", "module-native-protocol-unix",
                 "-L", f"module-null-sink sink_name={SINK} rate={RATE}",
                 "-L", "module-always-sink"],
                env=env, stdout=log, stderr=subprocess.STDOUT)
        procs.append(pulse)
        native = runtime / "pulse" / "native"
        env["PULSE_SERVER"] = f"unix:{native}"

        def pulse_up() -> bool:
            if pulse.poll() is not None:
                raise RuntimeError("pulseaudio exited: "
                                   + (folder / "pulseaudio.log").read_text(errors="replace"))
            return subprocess.run(["pactl", "info"], env=env, capture_output=True).returncode == 0

        _wait_for(pulse_up, 15, "PulseAudio")
        subprocess.run(["pactl", "set-default-sink", SINK], env=env, check=True,
                       capture_output=True)
        yield from _speechd(folder, env, procs)
    finally:
        for proc in reversed(procs):
            with _continued(proc):
                _stop(proc)
        shutil.rmtree(folder, ignore_errors=True)


def _speechd(folder: Path, env: dict[str, str], procs: list[subprocess.Popen]
             ) -> Iterator[SpeechServer]:
    """Starts the private speech-dispatcher (into ``procs``) and yields the server."""
    sock = folder / "speechd.sock"
    (folder / "speechd").mkdir()
    speechd = subprocess.Popen(
        ["speech-dispatcher", "--run-single", "--timeout", "0",
         "--communication-method", "unix_socket", "--socket-path", str(sock),
         "--log-dir", str(folder / "speechd"), "--pid-file", str(folder / "speechd.pid")],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    procs.append(speechd)
    _wait_for(lambda: sock.exists() or speechd.poll() is not None, 15, "speech-dispatcher")
    if speechd.poll() is not None:
        raise RuntimeError(f"speech-dispatcher exited with {speechd.returncode}")
    env["SPEECHD_ADDRESS"] = f"unix_socket:{sock}"
    yield SpeechServer(folder, env, speechd)


@contextmanager
def _continued(proc: subprocess.Popen) -> Iterator[None]:
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGCONT)  # a paused daemon cannot act on SIGTERM
    yield


@contextmanager
def wedged_speechd() -> Iterator[str]:
    """``SPEECHD_ADDRESS`` of a socket that accepts every connection and never answers (a
    speech-dispatcher stuck for good: clients wait in ``spd_open2``). Yields the address;
    ``received`` bytes are kept on the function's attribute for the caller's checks."""
    folder = Path(tempfile.mkdtemp(prefix="kwedge-"))
    path = folder / "speechd.sock"
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(path))
    server.listen(16)
    clients: list[socket.socket] = []
    heard: list[bytes] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                client, _ = server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            clients.append(client)
            client.settimeout(2)
            with contextlib.suppress(OSError):
                heard.append(client.recv(4096))  # the client's first command; no answer

    thread = threading.Thread(target=accept, name="wedged-speechd", daemon=True)
    thread.start()
    wedged_speechd.heard = heard  # type: ignore[attr-defined]
    try:
        yield f"unix_socket:{path}"
    finally:
        stop.set()
        thread.join(2)
        for client in clients:  # the clients' reads fail: their threads come unstuck
            client.close()
        server.close()
        shutil.rmtree(folder, ignore_errors=True)
