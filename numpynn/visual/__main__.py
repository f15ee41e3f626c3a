"""``python -m numpynn.visual ...``: the ``numpynn plot`` command on its own."""
import sys

from numpynn.visual.cli import main

sys.exit(main())
