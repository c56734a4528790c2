"""The study app (Textual). The only package that imports Textual."""
