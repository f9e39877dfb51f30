"""Headless subcommands of ``python -m studio``. Qt-free; heavy imports (torch) happen inside ``run``."""
