"""Understanding citizens' messages: normalisation, the Rasa client, topics."""
