"""Everything between the store and the screens, by layer (each package's docstring says what
it owns and may import):

    sync.cli.main        argument parsing and printing          -> sync.app, core
    sync.app        the application API (views, CLI)       -> sync.exchange, sync.protocol, storage, core
    sync.exchange   the protocol applied to a store         -> sync.protocol, storage, core
    sync.protocol   wire format, crypto, identities         -> core

The arrows are import-linter contracts in pyproject.toml.
"""
