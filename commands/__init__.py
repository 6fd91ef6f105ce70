"""The ``nora`` command line: one thin module per sub-command, and the entry point.

Each module parses its arguments, calls the library (``scraper``, ``output``,
``parsers``) and turns what comes back, or the error raised, into an exit
status (``commands.exits``). Nothing here decides what the pipeline does.
"""
