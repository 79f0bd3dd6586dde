"""The database: the ORM, engines and sessions, schema management, and the one reader of a Snapshot."""
