"""Two made-up powers contesting one issue: the smallest crisis scenario the CLI tests start from
(each test adds the moves, parameters and simulation it needs)."""

DUEL_HEAD = """\
detente: 1
meta: {id: duel, title: Two powers, perspective: Made up for tests., tags: [crisis, "challenger:a", "defender:b"]}
actors:
  - {id: a, name: Alpha, capability: 1}
  - {id: b, name: Beta, capability: 1}
issues:
  - {id: x, name: Issue X, status_quo: 0}
positions:
  a: {x: {position: 100, salience: 1.0}}
  b: {x: {position: 0, salience: 0.8}}
"""


def one_line_error(res, field: str, file: str = "s.yaml") -> str:
    """The CLI's refusal of a bad scenario file: exit 2, one line naming the file and the field, no traceback."""
    assert res.exit_code == 2, res.output
    assert res.exception is None or isinstance(res.exception, SystemExit)
    line = res.output.strip()
    assert "\n" not in line and file in line and f"field '{field}'" in line, line
    return line
