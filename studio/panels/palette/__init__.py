"""Widgets and undo commands of the Palette panel."""
