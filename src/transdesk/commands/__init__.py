"""CLI commands, one module per command group; each exports `COMMANDS`."""
