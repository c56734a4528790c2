"""Widgets of the study app: the card view and the answer bar."""
