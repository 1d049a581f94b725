"""The root of frontmap's errors. Each carries a one-line message a user can act on (naming the file,
line or setting at fault); the command line prints it and exits with status 2, the dashboard shows it."""

from __future__ import annotations


class FrontmapError(Exception):
    """Something frontmap cannot do with the input or settings it was given."""
