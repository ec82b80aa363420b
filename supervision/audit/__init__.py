"""The tamper-evident audit trail: one hash chain over every audit row (django-auditlog's row
changes and the security events), request context on every entry, append-only tables
(database triggers), archiving with a signed export, and the audit administrator's page."""
