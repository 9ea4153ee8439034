"""The education screens: Home and its tiles, the sections and their cards, read-aloud."""
