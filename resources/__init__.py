"""Runtime assets (texts, styles, schema), loaded with importlib.resources."""
