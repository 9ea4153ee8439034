"""What the clinic learns (anonymous): the kiosk's counts, the `report` command and its charts."""
