"""`python -m podtui`."""

import sys

from podtui.cli import main

sys.exit(main())
