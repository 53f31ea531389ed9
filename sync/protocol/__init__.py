"""The wire protocol, with no storage: canonical encoding, the bundle file format, bundle
cryptography (each use named by its purpose), installation identities and fingerprints, and
the reasons a bundle or identity document is refused.

May import: ``core`` and ``cryptography``. Never ``storage``, ``sync.exchange``, ``sync.app``,
``sync.cli.main`` or ``views``.
"""
