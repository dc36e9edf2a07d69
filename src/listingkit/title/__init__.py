"""Titles: measure, lint and compose product titles (TITLE0xx)."""
