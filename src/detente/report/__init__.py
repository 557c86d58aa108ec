"""Report layer: terminal tables (and later HTML) from an analysis."""
