"""The pure core: records, the immutable Snapshot and the rules over it.

No I/O, no clock (every date is passed in), no SQLAlchemy, typer or FastAPI; messages state
facts, never a face's syntax. tests/test_architecture.py holds these rules.
"""
