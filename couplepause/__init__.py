"""couplepause: one shared Pause button for a couple in a hard conversation."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("couplepause")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+unknown"

APP_NAME = "couplepause"
