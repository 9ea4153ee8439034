"""Staff: PINs and access rules, queue rows, commands and export (Qt-free); staff screens in ui/."""
