"""legal-hotline-bot: people's mediation, legal aid and administrative review for citizens."""
