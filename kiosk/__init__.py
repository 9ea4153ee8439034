"""The clinic kiosk: dry-needling education and consult requests for a waiting room."""

__version__ = "0.1.0"
