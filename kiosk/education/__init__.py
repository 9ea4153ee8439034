"""What the kiosk teaches: content from resources/content (Qt-free); its screens in ui/."""
