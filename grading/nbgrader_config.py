"""nbgrader configuration shared by the release, the round-trip tests and the TA batch grader.

grading/release.py, grading/autograde.py and grading/batch.py copy this file into every throwaway
course root they create (as `nbgrader_config.py`) and append the root-specific lines (root, db_url).
Checked against nbgrader 0.9.6; see COURSE.md "Grading: what bites".
"""

c = get_config()  # noqa: F821  (injected by traitlets when nbgrader loads this file)

c.CourseDirectory.course_id = "slm-course"

# Every notebook is its own assignment named by its stem; due dates always carry a zone.
c.NbGraderAPI.timezone = "UTC"
c.Exchange.timezone = "UTC"

# Execution: the default per-cell timeout is 30 s; training cells need minutes. The per-notebook limit is
# the outer wall-clock timeout in grading/autograde.py (nbgrader has none).
c.Execute.timeout = 600
c.Execute.interrupt_on_timeout = True
c.Execute.kernel_name = "python3"  # the throwaway root's sandboxed kernelspec is also called python3
c.Execute.execute_retries = 0

# Release: no outputs in student notebooks.
c.ClearOutput.enabled = True

# A test cell with any stderr output scores 0 in nbgrader 0.9.6, even when every assert passes.
# IgnorePattern removes stderr *stream* outputs matching `pattern` (errors are separate outputs and still
# score 0). The pattern alone does nothing: `enabled` defaults to False.
c.IgnorePattern.enabled = True
c.IgnorePattern.pattern = (
    r"(?i)warning"  # warnings.warn, transformers/torch deprecation notes
    r"|\d+%\|"  # tqdm bars: " 40%|████      | 4/10 [00:01<00:02, 3.1it/s]"
    r"|it/s\]|s/it\]"
    r"|huggingface|tokenizers|transformers"
)

# Deleted test cells come back from the gradebook instead of staying "needs manual grade".
c.OverwriteCells.add_missing_cells = True

# Huge outputs are truncated before they reach the gradebook and the feedback HTML.
c.LimitOutput.max_lines = 200
c.LimitOutput.max_traceback = 100
