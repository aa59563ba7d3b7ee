"""More ``lpreg`` subcommands: ``fit``, ``path`` and ``plot`` (registered by :mod:`lpreg.cli`)."""

from __future__ import annotations


def register(subparsers):
    """Add this module's subcommands to the ``lpreg`` parser's ``subparsers``."""
