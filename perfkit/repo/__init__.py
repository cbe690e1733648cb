"""Working on a user's repository: configuration, a private copy to patch, argument capture, workloads."""
