"""Placeholder: this datafit is being written."""

__all__ = []
