"""Use cases: load through a unit of work, apply domain rules, save, commit.

Shared by the HTTP API and the CLI so that both do exactly the same thing. Knows no web framework
and no SQL; storage arrives as a `UnitOfWorkFactory`.
"""
