"""What the project's management commands share."""

from argparse import RawDescriptionHelpFormatter

from django.core.management.base import BaseCommand


class DescribedCommand(BaseCommand):
    """A command whose `help` is a page of text (the keys it prints, the forms it takes), shown as written
    by `--help` rather than re-wrapped into one paragraph."""

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.formatter_class = RawDescriptionHelpFormatter
        return parser
