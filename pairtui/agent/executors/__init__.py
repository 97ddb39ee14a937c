"""Executors other than the built-in tool loop: ACP agents (acp_*.py) driven over stdio."""
