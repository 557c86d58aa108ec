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
