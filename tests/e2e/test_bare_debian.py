"""A fresh Debian 12 needs only `make test`: the suite runs from a clean clone in a new
debootstrap chroot (minbase plus python3, make and git, what a new container has).

Slow and root-only. The run inside sets KIOSK_IN_BARE_DEBIAN=1, which skips this test
itself and the real-display tests (tests/e2e/test_real_display.py: Xvfb and cage need a
user and a compositor of their own; the display plugins' libraries are still proven there
by tests/ops/test_display_check.py). The frozen build runs inside too: it is what needs
binutils. The debootstrap tarball is kept in CACHE between runs on one machine.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SUITE = "bookworm"
PACKAGES = "python3,make,git"
CACHE = Path("/var/cache/clinic-kiosk-tests") / f"debootstrap-{SUITE}-minbase.tgz"
INSIDE = "KIOSK_IN_BARE_DEBIAN"
MAKE_TEST_TIMEOUT_S = 2700

pytestmark = [
    pytest.mark.slow,
    pytest.mark.timeout(MAKE_TEST_TIMEOUT_S + 900),
    pytest.mark.skipif(os.environ.get(INSIDE) == "1", reason="already inside the bare chroot"),
    pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0,
                       reason="debootstrap and chroot need root"),
    pytest.mark.skipif(shutil.which("debootstrap") is None,
                       reason="needs debootstrap (tools/system-deps.sh installs it)"),
    pytest.mark.skipif(not (ROOT / ".git").exists(), reason="needs the git repository"),
]


def host_mirror() -> str:
    """The Debian mirror this machine's apt uses (deb822 or one-line sources)."""
    sources = [*Path("/etc/apt/sources.list.d").glob("*.sources"), Path("/etc/apt/sources.list"),
               *Path("/etc/apt/sources.list.d").glob("*.list")]
    for path in sources:
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        for uri in re.findall(r"^URIs:\s*(\S+)", text, flags=re.MULTILINE) + re.findall(
            r"^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+" + SUITE + r"\s", text, flags=re.MULTILINE
        ):
            if "security" not in uri:
                return uri
    pytest.skip("no Debian mirror in this machine's apt sources")


def debootstrap(target: Path) -> None:
    mirror = host_mirror()
    base = ["debootstrap", "--variant=minbase", f"--include={PACKAGES}"]
    if not CACHE.exists():
        CACHE.parent.mkdir(parents=True, exist_ok=True)
        partial = CACHE.with_suffix(".partial.tgz")
        subprocess.run([*base, f"--make-tarball={partial}", SUITE, str(target / "tarball-work"),
                        mirror], check=True, capture_output=True, timeout=1200)
        partial.replace(CACHE)
        shutil.rmtree(target / "tarball-work", ignore_errors=True)
    result = subprocess.run([*base, f"--unpack-tarball={CACHE}", SUITE, str(target), mirror],
                            capture_output=True, text=True, timeout=1200, check=False)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def mounted_under(target: Path) -> list[str]:
    prefix = str(target.resolve()) + "/"
    with open("/proc/self/mounts", encoding="utf-8") as mounts:
        return [line.split()[1] for line in mounts if line.split()[1].startswith(prefix)]


@pytest.fixture
def chroot(tmp_path: Path) -> Iterator[Path]:
    target = tmp_path / "debian"
    target.mkdir()
    debootstrap(target)
    mounts = [
        (["-t", "proc", "proc"], "proc"),
        (["-t", "sysfs", "sysfs"], "sys"),
        (["--bind", "/dev"], "dev"),
        (["-t", "devpts", "-o", "newinstance,ptmxmode=0666", "devpts"], "dev/pts"),
        (["-t", "tmpfs", "-o", "mode=1777", "tmpfs"], "dev/shm"),
    ]
    done: list[Path] = []
    try:
        for args, where in mounts:
            point = target / where
            point.mkdir(parents=True, exist_ok=True)
            subprocess.run(["mount", *args, str(point)], check=True)
            done.append(point)
        shutil.copy("/etc/resolv.conf", target / "etc" / "resolv.conf")
        yield target
    finally:
        for point in reversed(done):
            subprocess.run(["umount", "-l", str(point)], check=False)
        # Never delete through a mount: a bound /dev would take the host's with it.
        if not mounted_under(target):
            shutil.rmtree(target, ignore_errors=True)


def trust_settings(target: Path) -> dict[str, str]:
    """This machine's CA bundle for pip, where its environment names one (a network that
    inspects TLS); a bare machine on that network would be given the same. It is copied
    where no package writes (ca-certificates, pulled in by PostgreSQL, rewrites
    /etc/ssl/certs), and the variables point there."""
    for name in ("PIP_CERT", "SSL_CERT_FILE", "REQUESTS_CA_BUNDLE"):
        value = os.environ.get(name)
        if value and Path(value).is_file():
            inside = "/opt/host-trust/ca-bundle.crt"
            (target / "opt" / "host-trust").mkdir(parents=True, exist_ok=True)
            shutil.copy(value, target / inside.lstrip("/"))
            return {"PIP_CERT": inside, "SSL_CERT_FILE": inside, "REQUESTS_CA_BUNDLE": inside}
    return {}


def test_make_test_passes_from_a_clean_clone_on_a_bare_debian(chroot: Path, tmp_path: Path):
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], check=True,
                            capture_output=True, text=True).stdout.strip()
    clone = chroot / "root" / "kiosk"
    subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", str(ROOT), str(clone)],
                   check=True)
    subprocess.run(["git", "-C", str(clone), "checkout", "--quiet", "--detach", commit],
                   check=True)
    env = {
        "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "HOME": "/root",
        "LANG": "C.UTF-8",
        "CI": "true",
        INSIDE: "1",
        **{k: v for k, v in os.environ.items() if k == "PIP_DEFAULT_TIMEOUT"},
        **trust_settings(chroot),
    }
    log = tmp_path / "make-test.log"
    started = time.monotonic()
    with log.open("w", encoding="utf-8") as out:
        result = subprocess.run(
            ["chroot", str(chroot), "bash", "-c", "cd /root/kiosk && make test"],
            env=env, stdout=out, stderr=subprocess.STDOUT, timeout=MAKE_TEST_TIMEOUT_S,
            check=False,
        )
    minutes = (time.monotonic() - started) / 60
    text = log.read_text(encoding="utf-8", errors="replace")
    print(f"make test in the bare chroot: exit {result.returncode} after {minutes:.1f} min")
    print(text[-1500:])
    assert result.returncode == 0, text[-6000:]
    summary = [line for line in text.splitlines() if re.search(r"\d+ passed", line)]
    assert summary and " failed" not in summary[-1], text[-3000:]
