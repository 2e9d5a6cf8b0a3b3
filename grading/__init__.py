"""The course's tooling, beside the student library ``helpers`` (which never imports it).

* the course command: ``cli`` (``slm-course``, ``python -m grading``; ``python3 -m helpers`` bootstraps it),
  ``runner`` (executes notebooks, collects metrics and claims), ``report`` (the HTML report), ``ci`` (CI's
  summary), ``colab`` (the notebooks' Colab cells);
* nbgrader: ``course`` (course roots, the assignment resolver), ``release`` (the student release and its leak
  check), ``autograde`` / ``sandbox`` / ``nbworker`` / ``batch`` (sandboxed autograding of a class).

Its dependencies are pyproject.toml's ``dev`` extra; importing this package imports nothing.
"""
