"""A materialised-path column and the `under` lookup used for every subtree query.

`path__under=p` keeps the rows whose path starts with `p`. It is written as the range
`path >= p AND path < p || 'g'` rather than `LIKE 'p%'`: paths are hexadecimal, so every path that starts
with `p` sorts between the two bounds and every other path outside them, and a range is one B-tree scan on
both SQLite and PostgreSQL. (Django's `startswith` becomes `LIKE ... ESCAPE`, which SQLite cannot answer
from an index, and PostgreSQL only with a pattern-ops index under a non-C collation.)
"""

from django.db import models
from django.db.models import Lookup

PATH_ALPHABET = "0123456789abcdef"
PATH_CEILING = "g"  # sorts after every character a path may hold


class PathField(models.CharField):
    pass


@PathField.register_lookup
class Under(Lookup):
    lookup_name = "under"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        prefix = rhs_params[0]
        return f"({lhs} >= {rhs} AND {lhs} < {rhs})", [*lhs_params, prefix, *lhs_params, prefix + PATH_CEILING]
