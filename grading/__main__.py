"""``python -m grading <command>`` inside the course environment: the course command (see :mod:`grading.cli`).

Outside the environment use ``python3 -m helpers <command>``: it creates ``.venv`` first, then runs this.
"""
import sys

from grading.cli import main

sys.exit(main())
