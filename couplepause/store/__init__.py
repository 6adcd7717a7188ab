"""Persistence, Qt-free: crash-safe TinyDB storage, the episode repository, the background writer.

Nothing here may import PySide6, shiboken6 or pyqtgraph, directly or through
another module (the app resolves paths with Qt and passes them in).
"""
