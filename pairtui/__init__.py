"""pairtui: a terminal pair-programmer for synchronous, chunked work with LLMs."""

__version__ = "0.1.0"
