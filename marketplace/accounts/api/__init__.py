"""REST API of the accounts app: one thin view per use case, input and output
serializers nested in it (HackSoft style)."""
