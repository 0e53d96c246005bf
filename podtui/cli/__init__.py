"""The command line: `podtui` and its subcommands (main), their parser, one module per
subcommand, and the shell completion."""
