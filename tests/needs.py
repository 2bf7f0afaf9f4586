"""What a test needs from its machine: a skip where it is missing, a failure under CI.

CI (``CI=true``) provides everything the suite uses: the ArcadeDB Bolt server,
Chromium, the public data beside the checkout and every package of the test extra.
There a missing one is a regression of the set-up, not a reason to skip, so
:func:`unavailable` fails the test; on a user's machine it skips with the reason.
"""

from __future__ import annotations

import importlib
import os
from types import ModuleType
from typing import NoReturn

import pytest

__all__ = ["CI", "needs_module", "unavailable"]

#: True when the suite runs in CI, where nothing it needs may be missing.
CI = os.environ.get("CI", "").lower() == "true"


def unavailable(reason: str) -> NoReturn:
    """Skip the test for ``reason``, or fail it under ``CI=true``."""
    if CI:
        pytest.fail(f"{reason} (CI=true provides it: its absence is a failure there)")
    pytest.skip(reason)


def needs_module(name: str) -> ModuleType:
    """Import ``name``, or skip (fail under CI) saying which package provides it."""
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        unavailable(f"{name} cannot be imported ({exc}); pip install -e '.[test]'")
