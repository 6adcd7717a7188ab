"""The bundle's entry point: what the installed ``couplepause`` command runs."""

import sys

from couplepause.cli import main

if __name__ == "__main__":
    sys.exit(main())
