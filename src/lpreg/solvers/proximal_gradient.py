"""Placeholder: this solver is being written."""

__all__ = []
