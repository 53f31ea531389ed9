"""The application API: the only code that views and the CLI call.

The session (``session.Service``: set-up, unlock, lock, settings, passphrase policy), the
helper's actions, the office's actions (roster, register, notices, exchange, dashboard,
conflicts, print-outs), one set of file helpers (``files``) and the roster reader. Every
function here is typed, takes the open ``Service`` and returns plain data; every failure is a
``XietongError`` carrying the Chinese sentence to show.

May import: ``sync.exchange``, ``sync.protocol``, ``storage``, ``core``. Never ``sync.cli.main`` or
``views``. Kept empty so that ``main.py`` can import ``sync.app.home`` before the web server
starts without loading the store.
"""
