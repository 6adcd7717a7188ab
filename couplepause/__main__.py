import sys

from couplepause.cli.commands import main

sys.exit(main())
