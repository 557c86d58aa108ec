"""Crisis games layer: our own extensive-form tree model, solvers (backward induction, logit QRE,
sequential equilibria of small signalling games), templates built from a scenario, explanations,
thresholds, and .efg interop with Gambit and OpenSpiel."""
