"""The kiosk side of the counts: what the window and its screens say, counted."""
