"""Storage: SQLAlchemy models, Alembic migrations shipped in the package, and the queries the web app uses.

SQLite in the data directory by default; PostgreSQL when `STRIDELENS_DATABASE_URL` says so (driver psycopg 3).
"""

from .db import DATABASE_URL_ENV, database_url, make_engine, migrate, session_factory, session_scope
from .models import JOB_STATUSES, AnalysisRow, Athlete, Base, User

__all__ = ["DATABASE_URL_ENV", "JOB_STATUSES", "AnalysisRow", "Athlete", "Base", "User", "database_url",
           "make_engine", "migrate", "session_factory", "session_scope"]
