"""transdesk: the translation desk of a trilingual (ru/uk/en) newsroom."""

__version__ = "0.1.0"
