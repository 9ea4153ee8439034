#!/usr/bin/env bash
# Installs the Debian packages the kiosk and its tests need, when they are missing.
# Called by `make` (and so by CI); as non-root it only says what is missing.
set -euo pipefail

need_apt=()
command -v make >/dev/null || need_apt+=(make)
# The PostgreSQL tests start their own server from Debian's binaries.
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need_apt+=(postgresql)
# Qt's offscreen platform still links against these.
for lib in libEGL.so.1 libxkbcommon.so.0 libfontconfig.so.1 libGL.so.1 libdbus-1.so.3; do
  ldconfig -p | grep -q "$lib" || { need_apt+=(libegl1 libxkbcommon0 libfontconfig1 libgl1 libdbus-1-3); break; }
done
# Read aloud (QtTextToSpeech) links against PulseAudio's client library.
ldconfig -p | grep -q libpulse.so.0 || need_apt+=(libpulse0)
# The QR tests read the take-home codes back with zbar (through pyzbar).
ldconfig -p | grep -q libzbar.so.0 || need_apt+=(libzbar0)
fc-list 2>/dev/null | grep -qi dejavu || need_apt+=(fonts-dejavu-core)
# Read aloud's real engine: Qt's speechd plug-in links libspeechd; speech-dispatcher with
# espeak-ng speaks (English and Spanish voices); the slow speech tests play into a private
# PulseAudio null sink and record its monitor with parec (pactl sets it up).
ldconfig -p | grep -q libspeechd.so.2 || need_apt+=(libspeechd2)
command -v speech-dispatcher >/dev/null || need_apt+=(speech-dispatcher)
dpkg -s speech-dispatcher-espeak-ng >/dev/null 2>&1 || need_apt+=(speech-dispatcher-espeak-ng)
command -v espeak-ng >/dev/null || need_apt+=(espeak-ng)
command -v pulseaudio >/dev/null || need_apt+=(pulseaudio)
command -v parec >/dev/null || need_apt+=(pulseaudio-utils)
command -v pactl >/dev/null || need_apt+=(pulseaudio-utils)
# The AT-SPI walk (tests/shell/ui/test_accessibility_tree.py): Xvfb, a private D-Bus
# session, the accessibility bus and registry, pyatspi in the system Python, Qt's xcb plugin.
command -v Xvfb >/dev/null || need_apt+=(xvfb)
command -v dbus-run-session >/dev/null || need_apt+=(dbus-daemon)
[ -x /usr/libexec/at-spi-bus-launcher ] || need_apt+=(at-spi2-core)
/usr/bin/python3 -c "import pyatspi" 2>/dev/null || need_apt+=(python3-pyatspi gir1.2-atspi-2.0)
ldconfig -p | grep -q libxcb-cursor.so.0 || need_apt+=(libxcb-cursor0)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${need_apt[@]}"
  else
    echo "missing system packages (install them as root): ${need_apt[*]}" >&2
  fi
fi

