"""Storage: SQLAlchemy 2 (asyncio) and Alembic; the only package that imports SQLAlchemy."""
