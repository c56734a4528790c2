"""The error the collection's facade raises for what a user asked and it cannot do.

Its own module so that the facade's helper mixins (`collection_decks`,
`collection_browse`, `collection_tools`) raise it without importing the facade
itself (no import circle); `flashcards.collection` re-exports it, where callers
have always found it."""

from __future__ import annotations


class CollectionError(Exception):
    """Something a user asked for that the collection cannot do (unknown deck, card...)."""
