"""perfkit.optimizers: profile-driven patch proposals and their verification. Not built yet."""
