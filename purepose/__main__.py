"""``python -m purepose`` runs the command line."""

import sys

from .cli import main

# The guard matters: worker processes (``--jobs``) start by "spawn", which
# imports this module again under another name.
if __name__ == "__main__":
    sys.exit(main())
