from catalog.cli import run

run()
