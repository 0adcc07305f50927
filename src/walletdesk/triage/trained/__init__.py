"""The trained triage model shipped with the package (triage.bin + manifest.json)."""
