"""`gonghui import-members`: Django names a command after its module, so this module gives the hyphenated
name the issue asks for; the command itself is in _import_members.py."""

from ._import_members import Command  # noqa: F401
