"""A small inventory library: correct, readable, and slow. perfkit's bundled example repository."""
