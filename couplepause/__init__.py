"""couplepause: one shared Pause button for a couple in a hard conversation."""

# The one place the version is written (pyproject.toml reads it from here).
__version__ = "0.1.0"

APP_NAME = "couplepause"
