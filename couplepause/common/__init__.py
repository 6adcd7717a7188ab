"""The common floor under everything: the words (texts), problems, paths, the platform's
ways, and dates and numbers as each language writes them (formatting)."""
