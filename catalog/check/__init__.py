"""The deprecation check: find references to models in files and say which are retired.

No CLI and no web framework here: `walk` picks files, `extract` turns them into regions,
`matcher` finds candidate tokens, `classify` resolves them, `engine` ties it together,
`fix` edits files, `report` renders. The CLI command and `Catalog.check_paths` call `engine`.
"""

# Files larger than this are listed as skipped, not read. Kept here, not in `walk`, so that
# the library can name its default without importing the walk (and pathspec) at start-up.
MAX_BYTES = 2_000_000
