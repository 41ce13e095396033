"""Field work: liaisons' visits with their location check (`geo`), and the problems taken from
communities."""
