"""Serve a trained Rasa model's HTTP API on loopback, with no chat channel and no token in argv.

Runs in the Rasa environment (`.venv-rasa/bin/python scripts/rasa_serve.py MODEL PORT`), started
by bot/rasa/server.py. Unlike `rasa run`, the auth token comes from the environment variable
RASA_SERVE_TOKEN (a process's environment is readable only by its owner, its command line by
every local user), and no input channel is registered: `rasa run` without a credentials file
falls back to the REST channel, whose /webhooks/rest/webhook answers without any token. The bot
only needs POST /model/parse and GET /status, both behind the token.
"""

from __future__ import annotations

import os
import sys
from functools import partial

TOKEN_ENV = "RASA_SERVE_TOKEN"  # noqa: S105 (a variable name)
HOST = "127.0.0.1"


def serve(model: str, port: int, token: str) -> None:
    """Rasa's own app and agent loading, as `rasa run --enable-api` builds them, minus channels."""
    import rasa.core.run
    import rasa.utils.common
    import rasa.utils.io
    import rasa.utils.tensorflow.environment as tf_env
    from rasa.core.utils import AvailableEndpoints
    from rasa.utils.log_utils import configure_structlog

    # The same logging and TensorFlow set-up as Rasa's command line; telemetry is never started.
    rasa.utils.common.configure_logging_and_warnings(
        None, None, warn_only_once=True, filter_repeated_logs=True
    )
    tf_env.setup_tf_environment()
    rasa.utils.io.configure_colored_logging(None)  # as `rasa run` does without --debug
    configure_structlog(None)

    endpoints = AvailableEndpoints()
    app = rasa.core.run.configure_app(
        input_channels=[], auth_token=token, enable_api=True, port=port, endpoints=endpoints
    )
    app.register_listener(
        partial(rasa.core.run.load_agent_on_start, model, endpoints, None), "before_server_start"
    )
    app.register_listener(rasa.core.run.close_resources, "after_server_stop")
    rasa.utils.common.update_sanic_log_level()
    app.run(host=HOST, port=port, workers=1)


def main() -> int:
    """Check the arguments, take the token out of the environment, serve until stopped."""
    if len(sys.argv) != 3 or not sys.argv[2].isdigit():
        print("usage: RASA_SERVE_TOKEN=… rasa_serve.py MODEL.tar.gz PORT", file=sys.stderr)
        return 2
    # Popped: no process Rasa starts inherits it.
    token = os.environ.pop(TOKEN_ENV, "")
    if not token:
        print(f"{TOKEN_ENV} is not set: refusing to serve without a token", file=sys.stderr)
        return 2
    # Custom components, if config.yml ever names one, are found from the project root.
    sys.path.insert(1, os.getcwd())
    serve(sys.argv[1], int(sys.argv[2]), token)
    return 0


if __name__ == "__main__":
    sys.exit(main())
