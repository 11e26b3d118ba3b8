"""Charter's domain: pure rules and invariants.

Nothing here imports a web framework, a database driver or a network library, and nothing here
does I/O; storage is reached through the protocols in `ports`, time through a `Clock`. The rule is
enforced by the import-linter contracts in `pyproject.toml`.
"""
