"""MCP (Model Context Protocol) servers' tools for the planner and executor.

servers.py  which servers are configured (.mcp.json, [mcp.servers.NAME]) and trusted
naming.py   mcp__SERVER__TOOL names every provider accepts
hub.py      the running servers of a session: start lazily, list, call, stop
toolset.py  pairtui's tools plus MCP tools as one list; permission, timeout, result size
session.py  the wiring flow.Pairing uses
"""
