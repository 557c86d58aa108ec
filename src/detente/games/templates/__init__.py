"""Game templates: textbook crisis games and the scenario-driven two-track ultimatum game."""
