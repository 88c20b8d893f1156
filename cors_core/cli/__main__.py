"""``python -m cors_core.cli``: the same as ``python -m cors_core``."""

import sys

from .commands import main

sys.exit(main())
