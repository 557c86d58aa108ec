"""From an article to a draft scenario, offline, with evidence for every field.

``detente.text.draft.draft_article`` is the entry point; ``extract`` holds the rules,
``gazetteer`` and ``cues`` the data they read (shipped in ``data/``).
"""
