"""The zoomable canvas: image, result layers, live preview, before/after split and overlays."""
