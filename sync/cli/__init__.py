"""The ``xietong`` command line: argument parsing and printing only.

Every command opens the session through ``sync.app`` and calls the same function a screen
calls. May import: ``sync.app`` and ``core`` (and, for a few display types, ``sync.exchange``).
"""
