"""The staff screens: PIN pad, queue view, detail panel, the kiosk's entrance and the console."""
