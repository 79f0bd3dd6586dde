from catalog.cli.app import run

run()
