"""Modal screens of the pairing app: help, confirmations, prompts, the plan editor."""
