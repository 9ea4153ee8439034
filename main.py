"""Entry point: hands the command line to kiosk.cli."""
import gc
import sys

# No garbage collection while the kiosk starts: it allocates a great deal and frees almost
# nothing, and the collections cost about 7 ms before the first frame. kiosk.cli turns it
# back on: at once for the other commands, after the first frame for the kiosk.
gc.disable()

from kiosk.cli import main  # noqa: E402 - after gc.disable(), on purpose

sys.exit(main(sys.argv[1:]))
