"""The Rasa NLU service: training the model and running the server from `.venv-rasa`."""
