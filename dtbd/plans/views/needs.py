"""Needs register and unit requests."""
