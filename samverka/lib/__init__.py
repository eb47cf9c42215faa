"""Small shared library with its own tests: no Django models, no app state."""
