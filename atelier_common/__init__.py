"""What the engines (``models/``) and the application (``studio/``) both need, below both of them.

Small and dependency-free (the standard library only): errors written for a person, atomic file writes,
the image file extensions Atelier reads, file-name stems. It imports neither ``models`` nor ``studio``.
"""
