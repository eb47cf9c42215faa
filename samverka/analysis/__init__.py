"""The analysis core: pure functions on numpy arrays, no Django, seeded randomness.

Django code turns querysets into arrays and back; nothing else crosses. Every
function documents its method and cites the paper or standard it follows.
"""
