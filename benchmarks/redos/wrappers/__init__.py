"""One wrapper per bug: ``target(s: str)`` hands ``s`` to the library's entry point the way its advisory says."""
