"""The `model-catalog` command (typer): parses, calls the library, renders for a terminal."""
