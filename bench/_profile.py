"""A throwaway Atelier profile for the window benchmarks, so what they show is the defaults, not whoever runs
them. Import before anything from ``studio``: the folders are read from the environment at start-up."""

import os
import tempfile


def use_throwaway_profile(prefix: str) -> str:
    """Point the config, data and settings folders into a new temporary folder; returns that folder."""
    profile = tempfile.mkdtemp(prefix=prefix)
    for name in ("ATELIER_CONFIG_DIR", "ATELIER_DATA_DIR", "ATELIER_SETTINGS_DIR"):
        os.environ[name] = os.path.join(profile, name.lower())
    return profile
