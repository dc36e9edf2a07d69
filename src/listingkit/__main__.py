"""``python -m listingkit``."""

from __future__ import annotations

import sys

from listingkit.cli import main

sys.exit(main())
