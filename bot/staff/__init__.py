"""The staff area: SENDIASS officers triage enquiries, search the knowledge base, and see what
the assistant could not answer."""
