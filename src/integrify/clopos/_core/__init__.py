"""The client's core: one request flow (auth, retries, parsing) driven by a sync and an async transport."""
