"""Qt-free application state: the document and its layers, preferences, job records."""
