"""Entry point: hands the command line to kiosk.cli."""
import sys

from kiosk.cli import main

sys.exit(main(sys.argv[1:]))
