"""`python -m numpynn ...` runs the `numpynn` command (see `numpynn.cli`)."""
import sys

from numpynn.cli import main

sys.exit(main())
