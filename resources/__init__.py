"""Runtime assets (texts, styles, schema): files of the package, see texts.resource_folder."""
