"""The app's screens: home (decks), review, summary, help and messages."""
