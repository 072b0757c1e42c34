"""``python -m nnscratch ...`` runs the ``nnscratch`` command."""

from ._entry import main

if __name__ == "__main__":
    main()
