"""``python -m nnscratch ...`` runs the ``nnscratch`` command."""

from .cli import main

if __name__ == "__main__":
    main()
