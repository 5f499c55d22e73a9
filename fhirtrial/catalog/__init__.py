"""The trial catalog: importing ClinicalTrials.gov studies into the store."""
