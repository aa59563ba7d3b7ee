"""``python -m lpreg.cli``: the ``lpreg`` command."""

import sys

from lpreg.cli import main

sys.exit(main())
