#!/usr/bin/env bash
# Installs the Debian packages the kiosk, its tests and its build need, when they are missing.
# Called by `make` (and so by CI); as non-root it only says what is missing.
# Proven on a bare Debian 12 (debootstrap minbase + python3, make, git) by
# tests/e2e/test_bare_debian.py. One check per line: `has_lib FILE || need_apt+=(PACKAGE)`.
set -euo pipefail

need_apt=()
has_lib() { ldconfig -p | grep -q "$1"; }
has_cmd() { command -v "$1" >/dev/null; }

# Building and running: make, a virtualenv for Python, objdump and libpython for PyInstaller.
has_cmd make || need_apt+=(make)
python3 -c 'import ensurepip, venv' 2>/dev/null || need_apt+=(python3-venv)
has_cmd objdump || need_apt+=(binutils)
# PyInstaller bundles the interpreter's shared library, which Debian ships apart.
pyver=$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')
has_lib "libpython$pyver.so.1.0" || need_apt+=("libpython$pyver")
# The PostgreSQL tests start their own server from Debian's binaries.
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need_apt+=(postgresql)

# Qt itself (every platform, offscreen included).
has_lib libglib-2.0.so.0 || need_apt+=(libglib2.0-0)
has_lib libEGL.so.1 || need_apt+=(libegl1)
has_lib libGL.so.1 || need_apt+=(libgl1)
has_lib libxkbcommon.so.0 || need_apt+=(libxkbcommon0)
has_lib libfontconfig.so.1 || need_apt+=(libfontconfig1)
has_lib libfreetype.so.6 || need_apt+=(libfreetype6)
has_lib libdbus-1.so.3 || need_apt+=(libdbus-1-3)
has_lib libX11.so.6 || need_apt+=(libx11-6)
ls /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf >/dev/null 2>&1 || need_apt+=(fonts-dejavu-core)
# Read aloud (QtTextToSpeech) links against PulseAudio's client library.
has_lib libpulse.so.0 || need_apt+=(libpulse0)
# The QR tests read the take-home codes back with zbar (through pyzbar).
has_lib libzbar.so.0 || need_apt+=(libzbar0)
# Read aloud's real engine: Qt's speechd plug-in links libspeechd; speech-dispatcher with
# espeak-ng speaks (English and Spanish voices); the slow speech tests play into a private
# PulseAudio null sink and record its monitor with parec (pactl sets it up).
has_lib libspeechd.so.2 || need_apt+=(libspeechd2)
has_cmd speech-dispatcher || need_apt+=(speech-dispatcher)
dpkg -s speech-dispatcher-espeak-ng >/dev/null 2>&1 || need_apt+=(speech-dispatcher-espeak-ng)
has_cmd espeak-ng || need_apt+=(espeak-ng)
has_cmd pulseaudio || need_apt+=(pulseaudio)
has_cmd parec || need_apt+=(pulseaudio-utils)
has_cmd pactl || need_apt+=(pulseaudio-utils)

# Qt's xcb platform (an X display): `ldd` of plugins/platforms/libqxcb.so and libQt6XcbQpa.
has_lib libxcb.so.1 || need_apt+=(libxcb1)
has_lib libX11-xcb.so.1 || need_apt+=(libx11-xcb1)
has_lib libxcb-cursor.so.0 || need_apt+=(libxcb-cursor0)
has_lib libxcb-icccm.so.4 || need_apt+=(libxcb-icccm4)
has_lib libxcb-image.so.0 || need_apt+=(libxcb-image0)
has_lib libxcb-keysyms.so.1 || need_apt+=(libxcb-keysyms1)
has_lib libxcb-randr.so.0 || need_apt+=(libxcb-randr0)
has_lib libxcb-render-util.so.0 || need_apt+=(libxcb-render-util0)
has_lib libxcb-render.so.0 || need_apt+=(libxcb-render0)
has_lib libxcb-shape.so.0 || need_apt+=(libxcb-shape0)
has_lib libxcb-shm.so.0 || need_apt+=(libxcb-shm0)
has_lib libxcb-sync.so.1 || need_apt+=(libxcb-sync1)
has_lib libxcb-util.so.1 || need_apt+=(libxcb-util1)
has_lib libxcb-xfixes.so.0 || need_apt+=(libxcb-xfixes0)
has_lib libxcb-xkb.so.1 || need_apt+=(libxcb-xkb1)
has_lib libxcb-glx.so.0 || need_apt+=(libxcb-glx0)
has_lib libxkbcommon-x11.so.0 || need_apt+=(libxkbcommon-x11-0)
# Qt's wayland platform (cage, the deploy guide's compositor).
has_lib libwayland-client.so.0 || need_apt+=(libwayland-client0)
has_lib libwayland-cursor.so.0 || need_apt+=(libwayland-cursor0)
has_lib libwayland-egl.so.1 || need_apt+=(libwayland-egl1)

# The real-display tests: an X server without a window manager, clicks, screenshots, and the
# packaged kiosk under cage as docs/deploy.md runs it.
has_cmd Xvfb || need_apt+=(xvfb)
has_cmd xdotool || need_apt+=(xdotool)
has_cmd import || need_apt+=(imagemagick)
has_cmd cage || need_apt+=(cage)
has_cmd grim || need_apt+=(grim)
has_cmd Xwayland || need_apt+=(xwayland)
has_cmd runuser || need_apt+=(util-linux)
has_cmd useradd || need_apt+=(passwd)
# The bare-Debian test builds a fresh Debian 12 chroot.
has_cmd debootstrap || need_apt+=(debootstrap)
# The AT-SPI walk (tests/shell/ui/test_accessibility_tree.py): a private D-Bus session, the
# accessibility bus and registry, pyatspi in the system Python (Xvfb and xcb are above).
has_cmd dbus-run-session || need_apt+=(dbus-daemon)
[ -x /usr/libexec/at-spi-bus-launcher ] || need_apt+=(at-spi2-core)
/usr/bin/python3 -c "import pyatspi" 2>/dev/null || need_apt+=(python3-pyatspi gir1.2-atspi-2.0)

if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${need_apt[@]}"
  else
    echo "missing system packages (install them as root): ${need_apt[*]}" >&2
  fi
fi
