"""Running the kiosk: paths, resources, logging, the crash guard, check and self-test."""
