"""The frame every screen lives in: navigation, translations, theme (Qt-free); the window in ui/."""
