"""Staff accounts: operators, managers and admins of the web console."""
