"""Parsers: pure functions from the text a command or file printed to facts. No I/O here."""
