"""Web subcommands of `kb` (imported by kb.cli only when run)."""
