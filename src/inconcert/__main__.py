"""``python -m inconcert`` runs the command-line tool."""

from inconcert.cli import main

if __name__ == "__main__":  # pragma: no cover
    main()
