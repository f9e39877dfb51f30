"""Helpers of the Stylize panel: the style library on disk (Qt-free) and the shelf widget."""
