"""The bundle's entry point: what the installed ``couplepause`` command runs. The same
script starts Windows' windowed couplepause-window.exe, where there is no stderr: then a
failed start is shown in a message box (``cli.window_main``; with a console it is ``main``)."""

import sys

from couplepause.cli.commands import window_main

if __name__ == "__main__":
    sys.exit(window_main())
