"""One module per subcommand; see precheck.cli.COMMANDS."""
