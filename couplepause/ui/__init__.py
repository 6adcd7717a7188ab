"""The window and its screens (PySide6): views show what they are told and emit intents."""
