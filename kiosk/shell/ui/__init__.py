"""The shell's widgets: the window, lock-down, idle guard and warning, icons, touch, keyboards."""
