"""First-party helper module: nixdeps follows its imports for report.py."""
import yaml


def load(path):
    with open(path) as f:
        return yaml.safe_load(f)
