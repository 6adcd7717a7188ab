"""The bounds of what a couple chooses or writes: names, notes, the longer break, the
breathing they start with. Shared
by the records, the live flow, the settings and the import; a module of plain values, so
that reading the settings before the first window loads nothing more."""

# A partner's name, as Settings keeps it (and an import accepts it): at most NAME_MAX
# characters, on one line.
NAME_MAX = 40
NOT_IN_A_NAME = "\r\n\t"
NOTE_MAX = 2000  # a note after a pause
MIN_BREAK_MINUTES = 20
BREAK_CHOICES = (MIN_BREAK_MINUTES, 30, 45, 60, 90, 120)  # minutes offered for a longer break
DEFAULT_BREAK_MINUTES = 30
DEFAULT_PATTERN = "slow"  # the breathing pattern until they choose another (core/breathing.py)
CUSTOM_DEFAULT = "4,0,6,0"  # their own pattern's seconds until they write theirs
