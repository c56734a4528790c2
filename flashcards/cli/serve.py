"""`flashcards serve`: the study app in a browser, through textual-serve."""

from __future__ import annotations

import click

from flashcards.cli.opening import collection_path
from flashcards.cli.output import echo, fail


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.pass_context
def serve(ctx: click.Context, host: str, port: int) -> None:
    """Serve the study app to a web browser (a phone too).

    Only on a trusted network or through an SSH tunnel: any host but loopback
    needs the access token printed at start, and the traffic is not encrypted.
    """
    from flashcards.tui.serve import StudyServer, is_loopback

    def announce(url: str) -> None:
        echo(f"serving the study app on {url}")
        if not is_loopback(host):
            echo("only for a trusted network or an SSH tunnel: the traffic is not encrypted")
        echo("Ctrl+C to stop")

    server = StudyServer(collection_path(ctx), host, port, announce)
    try:
        server.serve()
    except OSError as err:
        fail(f"cannot listen on {host}:{port}: {err.strerror or err}; choose another --port")
