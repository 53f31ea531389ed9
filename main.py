def cli(): pass
