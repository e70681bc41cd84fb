"""`python -m shared_code.cli` = `pact` (for machines where the package is not installed)."""

import sys

from shared_code.cli import main

sys.exit(main())
