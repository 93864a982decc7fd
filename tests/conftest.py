"""Shared pytest setup.

Unit tests (tests/unit) need nothing but Python. Integration tests
(tests/integration) run on a live site of a real bench: see
tests/integration/conftest.py.
"""

import os
import sys

APP_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if APP_ROOT not in sys.path:
	sys.path.insert(0, APP_ROOT)
