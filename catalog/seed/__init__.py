"""The seed file: YAML -> validated document -> rows -> natural-key sync into the store."""
