"""The bot's answers: from the corpus, the handoff, the calculators."""
