"""``python -m oaitrio``: the same as the ``oaitrio`` command."""

import sys

from .cli import main

sys.exit(main())
