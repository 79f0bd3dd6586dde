"""The REST API and the pages (issue 9 owns this package's app factory)."""
