"""Writes resources/sounds/new-request.wav: the console's soft two-note chime for a new request.

Generated rather than downloaded so its licence is ours. Run it again after changing it:
    python tools/make_notification_sound.py
"""

from __future__ import annotations

import math
import struct
import sys
import wave
from pathlib import Path

RATE = 22_050
# (frequency in Hz, start s, length s): a rising major third, gentle rather than alarming.
NOTES = ((659.25, 0.00, 0.42), (830.61, 0.16, 0.50))
LENGTH_S = 0.70
VOLUME = 0.35
OUT = Path(__file__).resolve().parent.parent / "resources" / "sounds" / "new-request.wav"


def sample(t: float) -> float:
    value = 0.0
    for freq, start, length in NOTES:
        local = t - start
        if 0.0 <= local < length:
            attack = min(1.0, local / 0.012)  # no click at the start
            decay = math.exp(-4.5 * local / length) * (1.0 - local / length)
            tone = math.sin(2 * math.pi * freq * local) + 0.2 * math.sin(4 * math.pi * freq * local)
            value += attack * decay * tone
    return value


def main(out: Path = OUT) -> int:
    out.parent.mkdir(parents=True, exist_ok=True)
    frames = bytearray()
    for n in range(int(RATE * LENGTH_S)):
        level = max(-1.0, min(1.0, VOLUME * sample(n / RATE)))
        frames += struct.pack("<h", round(level * 32767))
    with wave.open(str(out), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(RATE)
        wav.writeframes(bytes(frames))
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main(*(Path(a) for a in sys.argv[1:2])))
