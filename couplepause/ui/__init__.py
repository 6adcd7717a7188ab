"""The window and its screens (PySide6).

On the way to the first window, each module imports our own modules before
PySide6's. From its first import on, PySide6 reads the source of every module
imported after it (its ``__feature__`` import hook looks for the word
"PySide6"), ~0.2 ms a module; importing ours first, from the module that
starts the chain, keeps that off the start-up path.
"""
