"""File input/output without Qt: the one image loader, atomic saves, palette and project formats."""
