"""perfkit.fuzzers: performance fuzzers (constraint-guided stress-input generation). Not built yet."""
