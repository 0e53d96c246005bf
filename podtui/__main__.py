"""`python -m podtui`."""

import sys

from podtui.cli.main import main

sys.exit(main())
