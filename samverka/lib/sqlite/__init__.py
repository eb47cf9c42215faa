"""SQLite for the embedded mode: reading requests do not wait for the write lock."""
