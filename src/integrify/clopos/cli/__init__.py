"""The ``clopos`` command line (extra ``cli``): everyday work on a Clopos brand from the terminal."""
