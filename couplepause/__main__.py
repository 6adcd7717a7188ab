import sys

from couplepause.cli import main

sys.exit(main())
