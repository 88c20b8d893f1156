"""``python -m cors_core``: see :mod:`cors_core.cli`."""

import sys

from .cli import main

sys.exit(main())
