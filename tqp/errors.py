"""PEP 249 exception hierarchy.

Every error tqp raises on purpose is one of these, so callers of the DB-API (and the shell) can
catch `tqp.Error` and never see a bare traceback from deep inside torch or sqlglot.
"""


class Warning(Exception):  # noqa: A001 - the name is fixed by PEP 249
    """Important warnings, such as data truncation."""


class Error(Exception):
    """Base class of every tqp error."""


class InterfaceError(Error):
    """Misuse of the DB-API interface itself (closed cursor, fetch before execute...)."""


class DatabaseError(Error):
    """Errors related to the database."""


class DataError(DatabaseError):
    """Problems with the processed data: division by zero, out of range values, bad casts."""


class OperationalError(DatabaseError):
    """Errors in the database's operation: a file that cannot be read, a device that is absent."""


class IntegrityError(DatabaseError):
    """Relational integrity is affected (a table that already exists, ...)."""


class InternalError(DatabaseError):
    """The engine reached a state it should not: a bug in tqp."""


class ProgrammingError(DatabaseError):
    """Bad SQL: syntax errors, unknown tables or columns, wrong number of parameters."""


class NotSupportedError(DatabaseError):
    """Valid SQL that tqp cannot run (yet); the message names the construct."""
