"""The local stack: the whole API on this machine, with moto as AWS, built from template.yaml."""
