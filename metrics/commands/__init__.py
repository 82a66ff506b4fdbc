"""One module per CLI command group. Each defines `register(subparsers)` adding its sub-commands,
each sub-command setting `handler=` (a function of argparse.Namespace returning an exit code).
Modules here are discovered, so adding a command touches no shared file.
"""
