"""``python -m cors_core``: the tools of :mod:`cors_core.cli`."""

import sys

from .cli import main

sys.exit(main())
