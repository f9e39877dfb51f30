"""Small widgets of the main window that are not capability panels."""
